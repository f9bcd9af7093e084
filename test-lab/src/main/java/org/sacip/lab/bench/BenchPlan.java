package org.sacip.lab.bench;

import java.util.List;

/**
 * How much a bench run measures: the full run (at least 30 moves or trials per case, 1,000 to 100,000 sessions) or
 * the quick one (a handful, small session counts) that CI runs end to end.
 */
record BenchPlan(boolean quick, int gapMoves, int noAgentMoves, List<GapCase> noAgentCases, boolean mptcpSameLink,
        List<Integer> staleLossCounts, int ageMoves, int ageLanes, List<Long> agesMs, List<GapCase> ageCases, List<Scale> scales,
        Scale dataPathScale, int dataPathPairs, long dataPathWindowMs, int idleSeconds,
        int idleSessions, int restarts, List<String> caseGroups) {
    /** One convergence size: sessions spread evenly over peer addresses of B, and how many moves are measured. */
    record Scale(int sessions, int peers, int moves) {
        String label() {
            return String.format(java.util.Locale.ROOT, "%,d sessions / %d peers", sessions, peers);
        }
    }

    static final List<String> GROUPS = List.of("gap", "ages", "convergence", "datapath", "idle");

    BenchPlan {
        noAgentCases = List.copyOf(noAgentCases);
        ageCases = List.copyOf(ageCases);
        staleLossCounts = List.copyOf(staleLossCounts);
        agesMs = List.copyOf(agesMs);
        scales = List.copyOf(scales);
        caseGroups = List.copyOf(caseGroups);
    }

    static BenchPlan full(List<String> groups) {
        return new BenchPlan(false, 30, 2, List.of(GapCase.values()), true, List.of(1, 2, 4), 10, 3,
                List.of(200L, 1500L, 10_000L), List.of(GapCase.MBB_UPLINKS, GapCase.BBM_UPLINKS_300),
                // Five moves at 100,000 sessions: each takes tens of seconds there, and thirty would make the run hours.
                List.of(new Scale(1000, 10, 30), new Scale(10_000, 10, 30), new Scale(100_000, 100, 5)),
                new Scale(100_000, 100, 5), 10, 2000, 60, 1000, 10, groups);
    }

    static BenchPlan quick(List<String> groups) {
        // Sized for CI (under three minutes on a busy 2-core machine): every kind of case once, in as few labs as will
        // do (the data path in the convergence lab).
        return new BenchPlan(true, 2, 1, List.of(GapCase.MBB_UPLINKS), false, List.of(2), 1, 1, List.of(200L, 1500L),
                List.of(GapCase.MBB_UPLINKS), List.of(new Scale(100, 10, 1)), new Scale(100, 10, 1), 1, 500, 2, 100, 1,
                groups);
    }

    /** Connections per age and age case: each move takes {@code ageLanes} of each age along. */
    int ageConnections() {
        return ageMoves * ageLanes;
    }

    boolean runs(String group) {
        return caseGroups.contains(group);
    }
}
