package org.sacip.netlink.route;

/** A route was added or removed (RTM_NEWROUTE / RTM_DELROUTE). */
public record RouteEvent(Kind kind, RouteInfo route) implements RtnetlinkEvent {
    public enum Kind { ADDED, REMOVED }
}
