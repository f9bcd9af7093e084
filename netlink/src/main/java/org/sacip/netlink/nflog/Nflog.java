package org.sacip.netlink.nflog;

/** nfnetlink_log numbers (linux/netfilter/nfnetlink.h, nfnetlink_log.h). */
final class Nflog {
    private Nflog() {
    }

    static final int NFNL_SUBSYS_ULOG = 4;
    static final int NFULNL_MSG_PACKET = 0;
    static final int NFULNL_MSG_CONFIG = 1;
    static final int NFGENMSG_LENGTH = 4;
    static final int AF_UNSPEC = 0;

    static final int NFULA_PACKET_HDR = 1;
    static final int NFULA_MARK = 2;
    static final int NFULA_TIMESTAMP = 3;
    static final int NFULA_IFINDEX_INDEV = 4;
    static final int NFULA_IFINDEX_OUTDEV = 5;
    static final int NFULA_PAYLOAD = 9;
    static final int NFULA_PREFIX = 10;
    static final int PACKET_HDR_LENGTH = 4;
    static final int TIMESTAMP_LENGTH = 16;

    static final int NFULA_CFG_CMD = 1;
    static final int NFULA_CFG_MODE = 2;
    static final int NFULA_CFG_TIMEOUT = 4;
    static final int NFULA_CFG_QTHRESH = 5;
    static final int NFULNL_CFG_CMD_BIND = 1;
    static final int NFULNL_COPY_PACKET = 2;
    /** The kernel's largest copy range: a payload attribute's 16-bit length minus its header. */
    static final int COPY_RANGE_MAX = 0xffff - 4;

    static int messageType(int message) {
        return (NFNL_SUBSYS_ULOG << 8) | message;
    }
}
