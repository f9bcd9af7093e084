package org.sacip.lab.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The full plan measures what issue 11 asks at the sizes it asks (at least 30 moves per gap case and 30 connections
 * per age, every contender, 1,000 to 100,000 sessions, 10 data-path pairs, 60 s of idle with 0 and 1,000 sessions)
 * and is estimated to fit the run time it is sized for; the quick plan stays small enough for CI.
 */
class BenchPlanTest {
    @Test
    void theFullPlanMeasuresEveryCaseAtTheSizesTheIssueAsks() {
        BenchPlan full = BenchPlan.full(BenchPlan.GROUPS);
        assertTrue(full.gapMoves() >= 30, "moves per gap case: " + full.gapMoves());
        assertEquals(List.of(GapCase.values()), full.noAgentCases(), "no agent runs every gap case");
        assertTrue(full.mptcpSameLink(), "MPTCP runs the same-link case too");
        assertEquals(List.of(1, 2, 4), full.staleLossCounts());
        assertEquals(List.of("sacip", "mptcp-1", "mptcp-2", "mptcp-4", "none"),
                BenchRunner.contenders(full).stream().map(Contender::id).toList());
        assertEquals(List.of(200L, 1500L, 10_000L), full.agesMs());
        assertEquals(List.of(GapCase.MBB_UPLINKS, GapCase.BBM_UPLINKS_300), full.ageCases());
        assertTrue(full.ageConnections() >= 30, "connections per age: " + full.ageConnections());
        assertTrue(AgeRun.peersNeeded(full.agesMs().size(), full.ageMoves(), full.ageLanes()) <= PeerAddresses.MAX,
                "one peer address per age connection fits B's subnet");
        assertEquals(List.of(new BenchPlan.Scale(1000, 10, 30), new BenchPlan.Scale(10_000, 10, 30),
                new BenchPlan.Scale(100_000, 100, 5)), full.scales());
        assertEquals(new BenchPlan.Scale(100_000, 100, 5), full.dataPathScale());
        assertTrue(full.dataPathPairs() >= 10, "data-path pairs: " + full.dataPathPairs());
        assertTrue(BenchRunner.dataPathInConvergenceLab(full), "100,000 sessions are opened once");
        assertEquals(60, full.idleSeconds());
        assertEquals(1000, full.idleSessions());
    }

    @Test
    void theFullRunIsEstimatedWithinAnHourAndAQuarterAndTheQuickOneWithinThreeMinutes() {
        long full = RunEstimate.seconds(BenchPlan.full(BenchPlan.GROUPS));
        long quick = RunEstimate.seconds(BenchPlan.quick(BenchPlan.GROUPS));
        assertTrue(full >= 30 * 60 && full <= 75 * 60, "full run estimated at " + full + " s");
        assertTrue(quick <= 3 * 60, "quick run estimated at " + quick + " s");
        long parts = 0;
        for (String group : BenchPlan.GROUPS) {
            long alone = RunEstimate.seconds(BenchPlan.full(List.of(group)));
            assertTrue(alone > 0, group);
            parts += alone;
        }
        assertTrue(parts >= full, "a group run alone costs at least its share of the whole");
        assertEquals("about 40 min", RunEstimate.describe(40 * 60 + 10));
    }
}
