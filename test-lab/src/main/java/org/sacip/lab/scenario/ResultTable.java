package org.sacip.lab.scenario;

import java.io.PrintStream;
import java.util.List;

/** Prints scenario results as a fixed-width table, one row per scenario. */
public final class ResultTable {
    private static final String FORMAT = "%-28s %-13s %-8s %-5s %-17s %-6s %-9s %9s %12s %10s %9s%n";

    private ResultTable() {
    }

    public static void print(List<ScenarioResult> results, PrintStream out) {
        out.printf(FORMAT, "scenario", "topology", "family", "kind", "moves", "agents", "verdict", "max_gap", "bytes_sent",
                "bytes_lost", "corrupted");
        for (ScenarioResult r : results) {
            out.printf(FORMAT, r.scenario(), r.topology(), r.family(), r.traffic(), r.moves(), r.agents() ? "yes" : "no",
                    r.verdict(), r.maxGapMs() + "ms", r.bytesSent(), r.bytesLost(), r.bytesCorrupted());
        }
        out.flush();
    }
}
