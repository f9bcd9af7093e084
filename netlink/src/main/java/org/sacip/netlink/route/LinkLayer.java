package org.sacip.netlink.route;

/** What kind of link-layer header frames on an interface carry, from its ARPHRD type. */
public enum LinkLayer {
    /** 14-byte Ethernet header (ARPHRD_ETHER). */
    ETHERNET(14),
    /** Loopback; frames carry an Ethernet-sized header of zeros (ARPHRD_LOOPBACK). */
    LOOPBACK(14),
    /** Raw IP without link-layer header: tun, WireGuard (ARPHRD_NONE). */
    NONE(0),
    /** Anything else (tunnels, InfiniBand ...); the header length is not known here. */
    OTHER(-1);

    static final int ARPHRD_ETHER = 1;
    static final int ARPHRD_LOOPBACK = 772;
    static final int ARPHRD_NONE = 0xfffe;

    private final int headerLength;

    LinkLayer(int headerLength) {
        this.headerLength = headerLength;
    }

    /** Bytes of link-layer header before the IP header, or -1 if unknown. */
    public int headerLength() {
        return headerLength;
    }

    public static LinkLayer ofArpType(int arpType) {
        return switch (arpType) {
            case ARPHRD_ETHER -> ETHERNET;
            case ARPHRD_LOOPBACK -> LOOPBACK;
            case ARPHRD_NONE -> NONE;
            default -> OTHER;
        };
    }
}
