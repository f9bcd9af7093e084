package org.sacip.netlink.conntrack;

/** ctnetlink numbers (linux/netfilter/nfnetlink.h, nfnetlink_conntrack.h). */
final class Ctnl {
    private Ctnl() {
    }

    static final int NFNL_SUBSYS_CTNETLINK = 1;
    static final int IPCTNL_MSG_CT_NEW = 0;
    static final int IPCTNL_MSG_CT_GET = 1;
    static final int IPCTNL_MSG_CT_DELETE = 2;
    static final int NFGENMSG_LENGTH = 4;

    static final int CTA_TUPLE_ORIG = 1;
    static final int CTA_TUPLE_REPLY = 2;
    static final int CTA_STATUS = 3;
    static final int CTA_PROTOINFO = 4;
    static final int CTA_TIMEOUT = 7;
    static final int CTA_MARK = 8;
    static final int CTA_COUNTERS_ORIG = 9;
    static final int CTA_COUNTERS_REPLY = 10;
    static final int CTA_ID = 12;
    static final int CTA_FILTER = 25;

    static final int CTA_TUPLE_IP = 1;
    static final int CTA_TUPLE_PROTO = 2;
    static final int CTA_IP_V4_SRC = 1;
    static final int CTA_IP_V4_DST = 2;
    static final int CTA_IP_V6_SRC = 3;
    static final int CTA_IP_V6_DST = 4;
    static final int CTA_PROTO_NUM = 1;
    static final int CTA_PROTO_SRC_PORT = 2;
    static final int CTA_PROTO_DST_PORT = 3;

    static final int CTA_PROTOINFO_TCP = 1;
    static final int CTA_PROTOINFO_TCP_STATE = 1;
    static final int CTA_COUNTERS_PACKETS = 1;
    static final int CTA_COUNTERS_BYTES = 2;

    static final int NFNLGRP_CONNTRACK_NEW = 1;
    static final int NFNLGRP_CONNTRACK_UPDATE = 2;
    static final int NFNLGRP_CONNTRACK_DESTROY = 3;

    static final int CTA_FILTER_ORIG_FLAGS = 1;
    static final int CTA_FILTER_REPLY_FLAGS = 2;
    static final int FILTER_IP_SRC = 1;
    static final int FILTER_IP_DST = 1 << 1;
    static final int FILTER_PROTO_NUM = 1 << 3;

    static final int AF_INET = 2;
    static final int AF_INET6 = 10;
    static final int IPPROTO_TCP = 6;
    static final int IPPROTO_UDP = 17;

    static int messageType(int message) {
        return (NFNL_SUBSYS_CTNETLINK << 8) | message;
    }
}
