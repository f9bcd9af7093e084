package org.sacip.lab.bench;

import java.util.List;

/**
 * How much a bench run measures: the full run (at least 30 moves or trials per case, 1,000 to 100,000 sessions) or
 * the quick one (a handful, small session counts) that CI runs end to end.
 */
record BenchPlan(boolean quick, int gapMoves, int noAgentMoves, List<Integer> staleLossCounts, int ageTrials,
        List<Long> agesMs, List<Scale> scales, int convergenceMoves, int idleSeconds, int idleSessions,
        List<String> caseGroups) {
    /** One convergence size: sessions spread evenly over peer addresses of B. */
    record Scale(int sessions, int peers) {
        String label() {
            return String.format(java.util.Locale.ROOT, "%,d sessions / %d peers", sessions, peers);
        }
    }

    static final List<String> GROUPS = List.of("gap", "ages", "convergence", "idle");

    BenchPlan {
        staleLossCounts = List.copyOf(staleLossCounts);
        agesMs = List.copyOf(agesMs);
        scales = List.copyOf(scales);
        caseGroups = List.copyOf(caseGroups);
    }

    static BenchPlan full(List<String> groups) {
        return new BenchPlan(false, 30, 2, List.of(1, 2, 4), 30, List.of(200L, 1500L, 10_000L),
                List.of(new Scale(1000, 10), new Scale(10_000, 10), new Scale(100_000, 100)), 30, 60, 1000,
                groups);
    }

    static BenchPlan quick(List<String> groups) {
        return new BenchPlan(true, 3, 1, List.of(2), 1, List.of(200L, 1500L), List.of(new Scale(100, 10)), 3, 5,
                100, groups);
    }

    boolean runs(String group) {
        return caseGroups.contains(group);
    }
}
