package org.sacip.netlink.route;

/** A typed rtnetlink notification. */
public sealed interface RtnetlinkEvent permits AddressEvent, LinkEvent, RouteEvent, RuleEvent {
}
