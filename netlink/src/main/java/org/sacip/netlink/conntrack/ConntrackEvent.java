package org.sacip.netlink.conntrack;

/** One conntrack notification: a flow was created, changed (state, status bits, mark) or removed. */
public record ConntrackEvent(Kind kind, ConntrackEntry entry) {

    /** The three kinds, each with its multicast group (NFNLGRP_CONNTRACK_*). */
    public enum Kind {
        NEW(Ctnl.NFNLGRP_CONNTRACK_NEW),
        UPDATE(Ctnl.NFNLGRP_CONNTRACK_UPDATE),
        DESTROY(Ctnl.NFNLGRP_CONNTRACK_DESTROY);

        private final int group;

        Kind(int group) {
            this.group = group;
        }

        int group() {
            return group;
        }
    }
}
