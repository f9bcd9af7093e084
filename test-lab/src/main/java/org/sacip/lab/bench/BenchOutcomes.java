package org.sacip.lab.bench;

import java.util.ArrayList;
import java.util.List;
import org.sacip.lab.bench.report.RunEnvironment;

/** What the cases of one bench run measured, before it becomes the report's sections and goals. */
final class BenchOutcomes {
    RunEnvironment.Rtt rtt;
    final List<GapRun.Outcome> gaps = new ArrayList<>();
    final List<AgeRun.Outcome> ages = new ArrayList<>();
    final List<ConvergenceRun.Outcome> convergence = new ArrayList<>();
    DataPathRun.Outcome dataPath;
    IdleRun.Outcome idle;
    final List<String> failures = new ArrayList<>();

    /** The gap runs of one contender. */
    List<GapRun.Outcome> gapsOf(Contender contender) {
        return gaps.stream().filter(g -> g.contender().equals(contender)).toList();
    }

    /** That contender's moves of that case (null when it did not run it). */
    GapRun.CaseTrials trials(Contender contender, GapCase gapCase) {
        GapRun.Outcome run = gapRun(contender, gapCase);
        return run == null ? null : run.of(gapCase);
    }

    /** That contender's run that made the moves of that case (null when it did not run it). */
    GapRun.Outcome gapRun(Contender contender, GapCase gapCase) {
        for (GapRun.Outcome run : gapsOf(contender)) {
            if (run.of(gapCase) != null) {
                return run;
            }
        }
        return null;
    }

    ConvergenceRun.Outcome convergence(int sessions) {
        return convergence.stream().filter(c -> c.scale().sessions() == sessions).findFirst().orElse(null);
    }
}
