package org.sacip.netlink.diag;

/** sock_diag numbers (linux/sock_diag.h, inet_diag.h). */
final class SockDiag {
    private SockDiag() {
    }

    static final int SOCK_DIAG_BY_FAMILY = 20;
    static final int SOCK_DESTROY = 21;
    static final int INET_DIAG_REQ_V2_LENGTH = 56;
    static final int INET_DIAG_REQ_BYTECODE = 1;
    static final int INET_DIAG_PROTOCOL = 10;
    static final int INET_DIAG_INFO = 2;
    /** struct inet_diag_sockopt: the socket's boolean options (Linux 5.10). */
    static final int INET_DIAG_SOCKOPT = 22;
    /** The idiag_ext bit that asks for INET_DIAG_INFO (struct tcp_info for TCP). */
    static final int EXT_INFO = 1 << (INET_DIAG_INFO - 1);
    /** INET_DIAG_NOCOOKIE: an exact request that names a socket by its tuple only. */
    static final long NO_COOKIE = 0xffffffff_ffffffffL;

    static final int SKNLGRP_INET_TCP_DESTROY = 1;
    static final int SKNLGRP_INET_UDP_DESTROY = 2;
    static final int SKNLGRP_INET6_TCP_DESTROY = 3;
    static final int SKNLGRP_INET6_UDP_DESTROY = 4;
}
