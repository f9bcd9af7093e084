package org.sacip.netlink.conntrack;

import java.util.EnumSet;
import java.util.Set;

/** The status bits of a conntrack entry (enum ip_conntrack_status, linux/netfilter/nf_conntrack_common.h). */
public enum ConntrackStatus {
    /** Expected by a helper (an FTP data connection). */
    EXPECTED(0),
    /** Packets were seen in both directions. */
    SEEN_REPLY(1),
    /** Kept until it times out even when the table is full (TCP established, UDP with a stream of replies). */
    ASSURED(2),
    /** In the table: its first packet left the stack. */
    CONFIRMED(3),
    SRC_NAT(4),
    DST_NAT(5),
    SEQ_ADJUST(6),
    SRC_NAT_DONE(7),
    DST_NAT_DONE(8),
    /** Being removed. */
    DYING(9),
    FIXED_TIMEOUT(10),
    TEMPLATE(11),
    UNTRACKED(12),
    HELPER(13),
    OFFLOAD(14),
    HW_OFFLOAD(15);

    /** values() copies its array at every call, and every conntrack entry read asks (once per event or dump row). */
    private static final ConntrackStatus[] ALL = values();

    private final int bit;

    ConntrackStatus(int bit) {
        this.bit = bit;
    }

    public long mask() {
        return 1L << bit;
    }

    /** The named bits set in a CTA_STATUS value; bits the kernel may add later are left out. */
    public static Set<ConntrackStatus> of(long bits) {
        Set<ConntrackStatus> status = EnumSet.noneOf(ConntrackStatus.class);
        for (ConntrackStatus value : ALL) {
            if ((bits & value.mask()) != 0) {
                status.add(value);
            }
        }
        return status;
    }
}
