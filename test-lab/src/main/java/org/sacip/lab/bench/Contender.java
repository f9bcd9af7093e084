package org.sacip.lab.bench;

import java.util.List;

/**
 * What keeps (or does not keep) the connection alive in a comparison: SACIP agents in A and B, MPTCP with a
 * {@code net.mptcp.stale_loss_cnt}, or nothing at all. Same topology, same traffic, same moves.
 */
record Contender(String id, String label, boolean agents, int staleLossCount) {
    static Contender sacip() {
        return new Contender("sacip", "SACIP agents", true, 0);
    }

    static Contender mptcp(int staleLossCount) {
        return new Contender("mptcp-" + staleLossCount, "MPTCP, stale_loss_cnt " + staleLossCount, false,
                staleLossCount);
    }

    static Contender none() {
        return new Contender("none", "no agent", false, 0);
    }

    boolean mptcp() {
        return staleLossCount > 0;
    }

    /** What the traffic endpoints start behind. */
    List<String> wrapper() {
        return mptcp() ? Mptcp.WRAPPER : List.of();
    }
}
