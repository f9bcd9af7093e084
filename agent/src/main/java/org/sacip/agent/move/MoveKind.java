package org.sacip.agent.move;

/** How a move happened, as far as the agent could see. */
public enum MoveKind {
    /** The address left while another usable source to the peers was already there. */
    MAKE_BEFORE_BREAK,
    /** The address left with no usable source; the move waited for one (a new address, a route, DAD). */
    BREAK_BEFORE_MAKE,
    /** The interface went down with the address still configured on it. */
    LINK_DOWN,
    /** The original address is local again: remapping and ghost go. */
    RETURN_HOME
}
