package org.sacip.netlink.route;

/** An IPv4 or IPv6 routing rule was added or removed (RTM_NEWRULE / RTM_DELRULE). */
public record RuleEvent(Kind kind, RoutingRule rule) implements RtnetlinkEvent {
    public enum Kind { ADDED, REMOVED }
}
