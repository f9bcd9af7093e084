package org.sacip.lab.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.sacip.lab.LabException;
import org.sacip.lab.agent.ProjectRoot;

/**
 * One convergence size of the bench ({@link ConvergenceRun}) on its own, for profiling: A's agent's JFR recording
 * of the moves made after the measured ones is kept in the printed directory; with {@code SACIP_LAB_KEEP_LOGS=DIR} their logs too, whose "move ... planned in
 * N ms (found in, queued, data path)" lines say where a move's time went. Prints the figures the bench records. Run:
 * {@code mvn -B -q -o -pl test-lab exec:java -Dexec.classpathScope=test
 * -Dexec.mainClass=org.sacip.lab.bench.ConvergenceProbe -Dexec.args="sessions=100000 peers=100 moves=3"}.
 */
public final class ConvergenceProbe {
    private static final String NAME = "ConvergenceProbe";
    private static final String USAGE = "[sessions=100000] [peers=100] [moves=3]";

    private ConvergenceProbe() {
    }

    public static void main(String[] args) {
        BenchMain.run(NAME, USAGE, args, a -> {
            BenchArgs parsed = new BenchArgs(a, Set.of("sessions", "peers", "moves"));
            int sessions = (int) parsed.number("sessions", 100_000, 1, 200_000);
            int peers = (int) parsed.number("peers", 100, 1, 200);
            int moves = (int) parsed.number("moves", 3, 1, 100);
            if (sessions % peers != 0) {
                throw new IllegalArgumentException("sessions (" + sessions + ") must be a multiple of peers ("
                        + peers + ")");
            }
            probe(new BenchPlan.Scale(sessions, peers, moves));
        });
    }

    private static void probe(BenchPlan.Scale scale) {
        Path work;
        try {
            work = Files.createTempDirectory("sacip-probe-");
        } catch (java.io.IOException e) {
            throw new LabException("cannot create a working directory: " + e.getMessage(), e);
        }
        BenchContext ctx = new BenchContext(ProjectRoot.find(), BenchPlan.full(List.of("convergence")),
                new Progress(System.err), work);
        ctx.prepareClassArchive();
        ConvergenceRun.Outcome outcome = ConvergenceRun.run(ctx, scale, scale.moves());
        System.out.println(scale.label() + ": installed (us) " + outcome.installedMicros() + ", converged (ms) "
                + outcome.convergedMs());
        System.out.println("A's agent: RSS " + outcome.rssKib() + " KiB after the moves, " + outcome.settledRssKib()
                + " KiB " + outcome.settleMs() / 1000 + " s later; " + outcome.liveHeap());
        System.out.println("nft -f of as many elements: " + outcome.nftMicros() + " us");
        System.out.println("A's agent's JFR recording: " + work);
    }
}
