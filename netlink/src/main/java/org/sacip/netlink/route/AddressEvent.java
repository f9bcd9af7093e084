package org.sacip.netlink.route;

/** An address appeared on or left an interface (RTM_NEWADDR / RTM_DELADDR). */
public record AddressEvent(Kind kind, InterfaceAddress address) implements RtnetlinkEvent {
    public enum Kind { ADDED, REMOVED }
}
