package org.sacip.netlink.route;

/** rtnetlink multicast groups (enum rtnetlink_groups) that carry the events this package decodes. */
public enum RtnetlinkGroup {
    LINK(1),
    NEIGHBOUR(3),
    IPV4_ADDRESS(5),
    IPV4_ROUTE(7),
    IPV4_RULE(8),
    IPV6_ADDRESS(9),
    IPV6_ROUTE(11),
    IPV6_RULE(19);

    private final int number;

    RtnetlinkGroup(int number) {
        this.number = number;
    }

    public int number() {
        return number;
    }
}
