package org.sacip.agent.datapath;

/**
 * What the data path takes from the agent's configuration: the nfnetlink_log group its rules log session openings
 * to (path MTU errors go to the group next to it), and the mark mask whose bits the agent may use (it never touches
 * a bit outside it). The mask's lowest bit is the first-reply bit of the conntrack mark, and in the packet mark the
 * bit of the path MTU errors the agent relays.
 *
 * @param nflogGroup nfnetlink_log group, 1..65535 (0 is taken by the kernel's legacy logging)
 * @param markMask   the bits of the packet and conntrack marks this agent may use, at least one
 */
public record DataPathSettings(int nflogGroup, long markMask) {
    public static final int DEFAULT_NFLOG_GROUP = 9361;
    public static final long DEFAULT_MARK_MASK = 0x0f000000L;
    /** The tunnel device that carries sessions through a NAT (docs/DATAPATH.md). */
    public static final String TUNNEL_DEVICE = "sacip0";

    public DataPathSettings {
        if (nflogGroup < 1 || nflogGroup > 65535) {
            throw new IllegalArgumentException("nflog group " + nflogGroup + " is outside 1..65535");
        }
        if (markMask == 0 || (markMask & ~0xffffffffL) != 0) {
            throw new IllegalArgumentException("mark mask 0x" + Long.toHexString(markMask)
                    + " must have at least one of the 32 mark bits set and no other");
        }
    }

    public static DataPathSettings defaults() {
        return new DataPathSettings(DEFAULT_NFLOG_GROUP, DEFAULT_MARK_MASK);
    }

    /** The conntrack mark bit that records "the first reply datagram of this flow was logged". */
    public long firstReplyMark() {
        return Long.lowestOneBit(markMask);
    }

    /**
     * The nfnetlink_log group of the path MTU errors ({@link PathMtuRelay}): the one after {@link #nflogGroup()}, or
     * the one before it when that is the last.
     */
    public int pathMtuGroup() {
        return nflogGroup < 65535 ? nflogGroup + 1 : nflogGroup - 1;
    }

    /** The packet mark bit of the path MTU errors the agent relays, so its rules do not log them a second time. */
    public long relayedMark() {
        return Long.lowestOneBit(markMask);
    }

    /**
     * The packet mark bit of sessions carried through the tunnel (their packets are routed to it by this mark): the
     * mask's second-lowest bit; 0 when the mask has only one, and then no session is carried.
     */
    public long carriedMark() {
        return Long.lowestOneBit(markMask & ~relayedMark());
    }
}
