package org.sacip.lab.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sacip.lab.bench.report.Goal;
import org.sacip.lab.scenario.Verdict;

/** The goal against MPTCP: compared with MPTCP's best setting among those whose stream came through intact. */
class GoalCheckTest {
    @TempDir
    Path work;

    @Test
    void breakBeforeMakeIsComparedWithTheBestMptcpSettingWhoseStreamCameThroughIntact() {
        BenchOutcomes out = new BenchOutcomes();
        out.gaps.add(run(Contender.sacip(), Verdict.SURVIVED, 140_000, 150_000));
        // The lowest median, but its stream was corrupted: no one's best.
        out.gaps.add(run(Contender.mptcp(1), Verdict.CORRUPTED, 130_000, 135_000));
        out.gaps.add(run(Contender.mptcp(2), Verdict.SURVIVED, 145_000, 600_000));
        out.gaps.add(run(Contender.mptcp(4), Verdict.SURVIVED, 150_000, 700_000));

        Goal goal = check(out).againstMptcp(GapCase.BBM_UPLINKS);

        assertEquals(Goal.Status.MET, goal.status(), goal.measured());
        assertTrue(goal.measured().contains("MPTCP, stale_loss_cnt 2 (best) median 145.0"), goal.measured());
        assertTrue(goal.measured().endsWith("not counted, the stream not intact: MPTCP, stale_loss_cnt 1 (corrupted)"),
                goal.measured());
    }

    @Test
    void withNoMptcpStreamIntactTheGoalIsNotMeasured() {
        BenchOutcomes out = new BenchOutcomes();
        out.gaps.add(run(Contender.sacip(), Verdict.SURVIVED, 140_000, 150_000));
        for (int n : List.of(1, 2, 4)) {
            out.gaps.add(run(Contender.mptcp(n), Verdict.LOSSY, 130_000, 135_000));
        }

        Goal goal = check(out).againstMptcp(GapCase.BBM_UPLINKS);

        assertEquals(Goal.Status.NOT_MEASURED, goal.status(), goal.measured());
    }

    @Test
    void aGoalNotMetNamesTheMovesWhoseSocketsWaitedForTheirTimers() {
        BenchOutcomes out = new BenchOutcomes();
        GapRun.Outcome sacip = run(Contender.sacip(), Verdict.SURVIVED, 330_000, 750_000);
        List<AgentLog.LeftToTimer> left = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            // The move with the longest gap (the third) had a stranded socket; another a kick not taken.
            left.add(new AgentLog.LeftToTimer(i, i == 2 ? 1 : 0, i == 5 ? 1 : 0));
        }
        GapRun.CaseTrials trials = sacip.cases().get(0);
        out.gaps.add(new GapRun.Outcome(sacip.contender(), sacip.labId(), List.of(new GapRun.CaseTrials(
                trials.gapCase(), trials.gapMicros(), List.of(), List.of(), left)), List.of(), Verdict.SURVIVED, 0,
                List.of()));
        out.gaps.add(run(Contender.mptcp(4), Verdict.SURVIVED, 334_000, 340_000));

        Goal goal = check(out).againstMptcp(GapCase.BBM_UPLINKS);

        assertEquals(Goal.Status.NOT_MET, goal.status(), goal.measured());
        assertTrue(goal.limit().startsWith("TCP: in 2 of 30 moves a socket still waited for its backed-off"
                + " retransmission timer after the move converged (1 stranded"), goal.limit());
        assertTrue(goal.limit().contains("those moves' gaps: max 750.0 ms, the other moves': max 331.0 ms"),
                goal.limit());
    }

    @Test
    void theRssGoalGivesBothReadingsAndIsJudgedOnTheFirst() {
        BenchOutcomes out = new BenchOutcomes();
        out.convergence.add(new ConvergenceRun.Outcome(new BenchPlan.Scale(100_000, 100, 5), "convergence-100000",
                List.of(), List.of(), 153_600, 140_288, ConvergenceRun.SETTLE_MS, "live heap 90.0 MiB", 0, List.of()));

        Goal goal = check(out).rss();

        // 150 MiB is over 150 MB; 137 MiB 20 s later would be under it, but the goal holds at the peak.
        assertEquals(Goal.Status.NOT_MET, goal.status(), goal.measured());
        assertEquals("150.0 MiB after the moves, 137.0 MiB 20 s later", goal.measured());
    }

    private GoalCheck check(BenchOutcomes out) {
        BenchPlan plan = BenchPlan.full(List.of("gap"));
        Progress progress = new Progress(new PrintStream(OutputStream.nullOutputStream()));
        return new GoalCheck(new BenchContext(work, plan, progress, work), out);
    }

    /** A run of one contender that moved 30 times in break-before-make, 10 moves at each of three gaps (µs). */
    private static GapRun.Outcome run(Contender contender, Verdict verdict, long median, long max) {
        List<Long> gaps = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            gaps.add(median - 1000);
            gaps.add(median);
            gaps.add(i == 0 ? max : median + 1000);
        }
        GapRun.CaseTrials trials = new GapRun.CaseTrials(GapCase.BBM_UPLINKS, gaps, List.of(), List.of(), List.of());
        return new GapRun.Outcome(contender, "gap-bbm-uplinks-" + contender.id(), List.of(trials), List.of(), verdict,
                verdict == Verdict.SURVIVED ? 0 : 16, List.of());
    }
}
