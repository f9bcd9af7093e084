package org.sacip.netlink.route;

/** rtnetlink numbers (linux/rtnetlink.h, if_addr.h, if_link.h, neighbour.h) used by this package. */
final class Rtnl {
    private Rtnl() {
    }

    static final int AF_INET = 2;
    static final int AF_INET6 = 10;

    static final int RTM_NEWLINK = 16;
    static final int RTM_DELLINK = 17;
    static final int RTM_GETLINK = 18;
    static final int RTM_NEWADDR = 20;
    static final int RTM_DELADDR = 21;
    static final int RTM_GETADDR = 22;
    static final int RTM_NEWROUTE = 24;
    static final int RTM_DELROUTE = 25;
    static final int RTM_GETROUTE = 26;
    static final int RTM_NEWNEIGH = 28;
    static final int RTM_DELNEIGH = 29;
    static final int RTM_GETNEIGH = 30;

    static final int RTM_NEWRULE = 32;
    static final int RTM_DELRULE = 33;
    static final int RTM_GETRULE = 34;

    /** struct fib_rule_hdr and its FRA_* attributes (linux/fib_rules.h). */
    static final int FIB_RULE_HDR_LENGTH = 12;
    static final int FRA_DST = 1;
    static final int FRA_SRC = 2;
    static final int FRA_PRIORITY = 6;
    static final int FRA_FWMARK = 10;
    static final int FRA_SUPPRESS_PREFIXLEN = 14;
    static final int FRA_TABLE = 15;
    static final int FRA_FWMASK = 16;
    static final int FRA_PROTOCOL = 21;
    static final int FRA_IP_PROTO = 22;
    static final int FRA_SPORT_RANGE = 23;
    static final int FRA_DPORT_RANGE = 24;
    /** The kernel's "no suppress_prefixlength" (-1 as u32). */
    static final int SUPPRESS_NONE = -1;

    static final int IFINFOMSG_LENGTH = 16;
    static final int IFADDRMSG_LENGTH = 8;
    static final int RTMSG_LENGTH = 12;
    static final int NDMSG_LENGTH = 12;

    static final int IFA_ADDRESS = 1;
    static final int IFA_LOCAL = 2;
    static final int IFA_LABEL = 3;
    static final int IFA_CACHEINFO = 6;
    static final int IFA_FLAGS = 8;

    static final int IFLA_ADDRESS = 1;
    static final int IFLA_IFNAME = 3;
    static final int IFLA_MTU = 4;
    static final int IFLA_TXQLEN = 13;
    static final int IFLA_OPERSTATE = 16;
    static final int IFLA_LINKINFO = 18;
    static final int IFLA_AF_SPEC = 26;
    static final int IFLA_CARRIER = 33;
    static final int IFLA_INFO_KIND = 1;
    static final int IFLA_INET_CONF = 1;

    static final int RTA_DST = 1;
    static final int RTA_SRC = 2;
    static final int RTA_OIF = 4;
    static final int RTA_GATEWAY = 5;
    static final int RTA_PRIORITY = 6;
    static final int RTA_PREFSRC = 7;
    static final int RTA_TABLE = 15;
    static final int RTA_METRICS = 8;
    /** RTAX_MTU within RTA_METRICS: the route's MTU, or a learned path MTU in a looked-up route. */
    static final int RTAX_MTU = 2;

    static final int NDA_DST = 1;
    static final int NDA_LLADDR = 2;
    static final int NTF_USE = 0x01;

    static final int IFF_UP = 0x1;
    static final int IFF_LOWER_UP = 0x10000;

    static final int RT_SCOPE_UNIVERSE = 0;
    static final int RT_SCOPE_LINK = 253;
    static final int RT_SCOPE_HOST = 254;
    /** In a delete request: match routes of any scope. */
    static final int RT_SCOPE_NOWHERE = 255;
    static final int RTN_UNICAST = 1;
    /** rtm_flags of RTM_GETROUTE: report the table the lookup used. */
    static final int RTM_F_LOOKUP_TABLE = 0x1000;
    static final int INFINITY_LIFETIME = 0xffffffff;
}
