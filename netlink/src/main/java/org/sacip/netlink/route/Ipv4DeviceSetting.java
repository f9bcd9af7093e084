package org.sacip.netlink.route;

/**
 * Per-interface IPv4 settings (the files of /proc/sys/net/ipv4/conf/IF/), by their IPV4_DEVCONF_* number of
 * linux/ip.h. Read and written over rtnetlink (IFLA_AF_SPEC / AF_INET / IFLA_INET_CONF), which reaches the
 * namespace of the socket; a /proc/sys file would show the namespace of whoever mounted that /proc.
 */
public enum Ipv4DeviceSetting {
    FORWARDING(1),
    RP_FILTER(8),
    ARP_ANNOUNCE(18),
    ARP_IGNORE(19),
    PROMOTE_SECONDARIES(20);

    private final int id;

    Ipv4DeviceSetting(int id) {
        this.id = id;
    }

    /** The IPV4_DEVCONF_* number; the kernel reports the values as an array indexed by id - 1. */
    public int id() {
        return id;
    }

    /** The sysctl file name, e.g. {@code promote_secondaries}. */
    public String sysctlName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
