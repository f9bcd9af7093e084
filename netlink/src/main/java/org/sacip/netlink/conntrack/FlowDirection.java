package org.sacip.netlink.conntrack;

/** Which address of the original direction a dump filter matches. */
public enum FlowDirection {
    /** The address sent the first packet (a local client, or a remote peer that reached a local server). */
    ORIGINAL_SOURCE,
    /** The address received the first packet. */
    ORIGINAL_DESTINATION
}
