package org.sacip.lab.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import org.sacip.lab.LabException;
import org.sacip.lab.Shell;
import org.sacip.lab.bench.report.BenchReport;
import org.sacip.lab.bench.report.RunEnvironment;

/**
 * One bench run (bin/sacip-lab bench): runs the plan's cases and returns the report's model, ready to be written
 * as results.json and rendered. Working files (the agents' JFR recordings, nft input) go to a temporary directory,
 * named on stderr and removed at the end unless SACIP_BENCH_KEEP_WORK is set.
 */
public final class BenchRun {
    /** Set (to anything) to keep the working directory with the agents' JFR recordings after the run. */
    static final String KEEP_WORK = "SACIP_BENCH_KEEP_WORK";

    private BenchRun() {
    }

    /** The case groups a run can be limited to. */
    public static List<String> groups() {
        return BenchPlan.GROUPS;
    }

    public static BenchReport run(Path root, boolean quick, List<String> groups, List<String> commands,
            PrintStream progressStream) {
        BenchPlan plan = quick ? BenchPlan.quick(groups) : BenchPlan.full(groups);
        Progress progress = new Progress(progressStream);
        Path work;
        try {
            work = Files.createTempDirectory("sacip-bench-work-");
        } catch (IOException e) {
            throw new LabException("cannot create a working directory: " + e.getMessage(), e);
        }
        progress.say("bench", (quick ? "quick run" : "full run") + " of " + groups + ", estimated "
                + RunEstimate.describe(RunEstimate.seconds(plan)) + " on a 2-core machine; agents' JFR recordings in "
                + work);
        RunFacts facts = RunFacts.of(root);
        Instant started = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        BenchContext ctx = new BenchContext(root, plan, progress, work);
        ctx.prepareClassArchive();
        BenchOutcomes outcomes = new BenchRunner(ctx).run();
        progress.say("bench", "all cases done; checking the goals (top frames of the JFR recordings where not met)");
        var goals = new GoalCheck(ctx, outcomes).goals();
        removeWorkDir(work, progress);
        long seconds = Instant.now().getEpochSecond() - started.getEpochSecond();
        RunEnvironment environment = new RunEnvironment(facts.commit(), facts.dirty(), facts.kernel(), facts.jdk(),
                facts.cpus(), facts.load(), started.toString(), seconds, outcomes.rtt);
        return new ReportBuilder(ctx, outcomes).build(environment, commands, goals);
    }

    /**
     * The recordings are large (hundreds of MB at 100,000 sessions) and every run makes new ones: they go once the
     * goals are checked, unless {@value #KEEP_WORK} is set to keep them for a closer look.
     */
    private static void removeWorkDir(Path work, Progress progress) {
        String keep = System.getenv(KEEP_WORK);
        if (keep != null && !keep.isBlank()) {
            progress.say("bench", "working files kept in " + work + " (" + KEEP_WORK + " is set)");
            return;
        }
        Shell.tryRun(List.of("rm", "-rf", "--", work.toString()));
    }
}
