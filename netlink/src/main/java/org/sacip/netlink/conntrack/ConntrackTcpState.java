package org.sacip.netlink.conntrack;

/** Conntrack's view of a TCP connection (enum tcp_conntrack, linux/netfilter/nf_conntrack_tcp.h). */
public enum ConntrackTcpState {
    NONE,
    SYN_SENT,
    SYN_RECV,
    ESTABLISHED,
    FIN_WAIT,
    CLOSE_WAIT,
    LAST_ACK,
    TIME_WAIT,
    CLOSE,
    /** Simultaneous open (the kernel reuses the obsolete LISTEN number for it). */
    SYN_SENT2;

    /** The state of a CTA_PROTOINFO_TCP_STATE value, or null for a number the kernel does not use. */
    static ConntrackTcpState of(int code) {
        return code >= 0 && code < values().length ? values()[code] : null;
    }
}
