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
        for (GapRun.Outcome run : gapsOf(contender)) {
            GapRun.CaseTrials trials = run.of(gapCase);
            if (trials != null) {
                return trials;
            }
        }
        return null;
    }

    ConvergenceRun.Outcome convergence(int sessions) {
        return convergence.stream().filter(c -> c.scale().sessions() == sessions).findFirst().orElse(null);
    }
}
