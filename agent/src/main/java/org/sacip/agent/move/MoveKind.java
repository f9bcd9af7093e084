package org.sacip.agent.move;

/** How a move happened, as far as the agent could see. */
public enum MoveKind {
    /** The address left while another usable source to the peers was already there. */
    MAKE_BEFORE_BREAK,
    /** The address left with no usable source; the move waited for one (a new address, a route, DAD). */
    BREAK_BEFORE_MAKE,
    /** The interface went down (or lost its carrier) with the address still configured on it. */
    LINK_DOWN,
    /**
     * The address is still usable, but the kernel's route to the peers (the one a new connection would take) now
     * prefers another source: the sessions move while their old uplink still carries them (make-before-break at
     * its best).
     */
    ROUTE_CHANGE,
    /** The original address is local again: remapping and ghost go. */
    RETURN_HOME
}
