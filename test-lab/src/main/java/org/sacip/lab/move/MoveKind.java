package org.sacip.lab.move;

/** How a host leaves one uplink for another (issue 4, item 3). */
public enum MoveKind {
    /** New address on the new uplink (and the default route there), then 100 ms later the old address deleted and the old uplink down. */
    MAKE_BEFORE_BREAK,
    /** Old address deleted and the old uplink down, then 100 ms later the new address on the new uplink. */
    BREAK_BEFORE_MAKE,
    /** Old uplink set down with its address left configured, then 100 ms later the new address on the new uplink. */
    DOWN_ADDRESS_LEFT
}
