package org.sacip.lab.bench;

import java.util.Collections;

/**
 * How long a plan takes, printed when a run starts: the sum of its cases' fixed schedules (moves, spacings, windows,
 * warm-ups) and of what each step took in bench runs on a 2-core machine with other builds running (the constants
 * below; the quick run: 167 s estimated, 162 s taken). An estimate, not a limit: nothing stops a run that takes
 * longer, and the largest unknown is how fast the agent binds and moves 100,000 sessions.
 */
final class RunEstimate {
    /** A lab built, agents (or MPTCP) set up, the first stream connected. */
    private static final double LAB_S = 8;
    /** After the moves: quiesce, drain, reports. */
    private static final double WRAP_UP_S = 4;
    /** One more endpoint JVM started and ready, beyond the first (several start at once: CPU bound). */
    private static final double ENDPOINT_S = 0.4;
    /**
     * Sessions opened (measured: 100,000 in 110 to 140 s) and bound to keys (assumed as fast again: an agent that
     * binds them slower makes the run longer), per 1,000 sessions.
     */
    private static final double OPEN_PER_1000_S = 2.2;
    /**
     * A move with many sessions: from its start to converged, per 1,000 sessions (the goal: 0.03, 3 s at 100,000;
     * measured 0.17 to 0.55 at 100,000).
     */
    private static final double CONVERGE_PER_1000_S = 0.4;
    /** nft -f of the same elements and RSS, per 1,000 sessions. */
    private static final double NFT_PER_1000_S = 0.1;
    /** An agent killed and started again. */
    private static final double RESTART_S = 3;
    private static final double RTT_S = 10;

    private RunEstimate() {
    }

    static long seconds(BenchPlan plan) {
        double s = RTT_S;
        if (plan.runs("gap")) {
            s += gap(plan);
        }
        if (plan.runs("ages")) {
            s += ages(plan);
        }
        if (plan.runs("convergence")) {
            for (BenchPlan.Scale scale : plan.scales()) {
                double k = scale.sessions() / 1000.0;
                double perMove = Math.max(ConvergenceRun.SPACING_MS / 1000.0,
                        ConvergenceRun.AFTER_CONVERGED_MS / 1000.0 + CONVERGE_PER_1000_S * k);
                double perProfiledMove = ConvergenceRun.AFTER_CONVERGED_MS / 1000.0 + CONVERGE_PER_1000_S * k;
                s += LAB_S + OPEN_PER_1000_S * k + scale.moves() * perMove
                        + ConvergenceRun.profiledMoves(scale.moves()) * perProfiledMove + NFT_PER_1000_S * k
                        + ConvergenceRun.settleMs(plan) / 1000.0;
            }
        }
        if (plan.runs("datapath")) {
            double k = plan.dataPathScale().sessions() / 1000.0;
            if (!BenchRunner.dataPathInConvergenceLab(plan)) {
                s += LAB_S + OPEN_PER_1000_S * k;
            }
            // Four flows start; one move; per pair four windows (TCP and UDP, remapped and unmapped) and their drains.
            s += 4 * ENDPOINT_S + CONVERGE_PER_1000_S * k + plan.dataPathPairs() * 4
                    * (plan.dataPathWindowMs() + DataPathRun.DRAIN_MS) / 1000.0;
        }
        if (plan.runs("idle")) {
            double warmUp = IdleRun.warmUpMs(plan) / 1000.0;
            s += LAB_S + 3 * (warmUp + plan.idleSeconds()) + OPEN_PER_1000_S * plan.idleSessions() / 1000.0
                    + (plan.restarts() + 1) * RESTART_S;
        }
        return Math.round(s);
    }

    private static double gap(BenchPlan plan) {
        double s = 0;
        double spacing = GapRun.SPACING_MS / 1000.0;
        double lead = GapRun.LEAD_MS / 1000.0;
        for (Contender c : BenchRunner.contenders(plan)) {
            if (c.id().equals("none")) {
                s += plan.noAgentCases().size() * (LAB_S + lead + plan.noAgentMoves() * spacing + WRAP_UP_S);
                continue;
            }
            double quiet = GapRun.quietWindows(c, plan.gapMoves()) * spacing;
            int perCase = plan.gapMoves() + (c.agents() ? GapRun.profiledMoves(plan.gapMoves()) : 0);
            s += LAB_S + lead + quiet + BenchRunner.UPLINK_CASES.size() * perCase * spacing + WRAP_UP_S;
            if (c.agents() || plan.mptcpSameLink()) {
                s += LAB_S + lead + quiet + perCase * spacing + WRAP_UP_S;
            }
        }
        return s;
    }

    private static double ages(BenchPlan plan) {
        int streams = plan.agesMs().size() * plan.ageLanes();
        double oldest = Collections.max(plan.agesMs()) / 1000.0;
        // Per move: the servers start, the clients in the time given them, the oldest age, the settle, the check.
        double perMove = streams * ENDPOINT_S + AgeRun.startupMs(streams) / 1000.0 + oldest
                + AgeRun.SETTLE_MS / 1000.0 + WRAP_UP_S;
        return plan.ageCases().size() * (LAB_S + plan.ageMoves() * perMove);
    }

    /** "about N min". */
    static String describe(long seconds) {
        return "about " + Math.max(1, Math.round(seconds / 60.0)) + " min";
    }
}
