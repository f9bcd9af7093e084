package org.sacip.netlink;

/** The netlink protocols this module speaks, with the kernel's protocol numbers. */
public enum NetlinkFamily {
    ROUTE(0),
    SOCK_DIAG(4),
    NETFILTER(12);

    private final int protocol;

    NetlinkFamily(int protocol) {
        this.protocol = protocol;
    }

    /** The protocol argument of {@code socket(AF_NETLINK, SOCK_RAW, protocol)}. */
    public int protocol() {
        return protocol;
    }
}
