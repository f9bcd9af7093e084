package org.sacip.netlink.route;

/** What happened to an interface, derived from RTM_NEWLINK/RTM_DELLINK and its previous state. */
public record LinkEvent(Kind kind, LinkInfo link) implements RtnetlinkEvent {
    public enum Kind { ADDED, REMOVED, UP, DOWN, CARRIER_UP, CARRIER_DOWN, CHANGED }
}
