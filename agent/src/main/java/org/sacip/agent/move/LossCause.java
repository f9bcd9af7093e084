package org.sacip.agent.move;

/** Why a local address stopped being usable. */
public enum LossCause {
    /** The address was deleted from its interface (or the interface was removed). */
    REMOVED,
    /** The interface was set down; the address is still configured on it. */
    LINK_DOWN,
    /** Duplicate address detection failed for it. */
    DAD_FAILED,
    /** Its interface lost its carrier (cable, radio, the other end of the link); the interface is still up. */
    CARRIER_LOST
}
