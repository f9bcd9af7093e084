package org.sacip.lab.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.sacip.lab.agent.ProjectRoot;
import org.sacip.lab.move.MovePattern;
import org.sacip.lab.scenario.MoveResult;
import org.sacip.lab.scenario.ResultJson;
import org.sacip.lab.scenario.Scenario;
import org.sacip.lab.scenario.ScenarioResult;
import org.sacip.lab.scenario.ScenarioRunner;
import org.sacip.lab.topology.Family;
import org.sacip.lab.topology.TopologyKind;
import org.sacip.lab.traffic.TrafficKind;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * The README's run command: the roaming lab, agents in A and B when they exist, a verified stream A->B, A moves from
 * uplink 1 to uplink 2 (make-before-break), then what happened to the stream, and teardown.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Move a host with a live connection and show whether the connection survived.")
public final class DemoCommand implements Callable<Integer> {
    @Option(names = "--json", description = "print one JSON object instead of the text report (progress goes to stderr)")
    boolean json;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        Path root = ProjectRoot.find();
        PrintStream progress = new PrintStream(new WriterOutputStream(json ? spec.commandLine().getErr() : out), true,
                StandardCharsets.UTF_8);
        progress.println("sacip-lab demo: roaming lab, verified stream A -> B, A moves from uplink 1 to uplink 2");
        Scenario scenario = Scenario.of("demo", TopologyKind.ROAMING, Family.IPV4, TrafficKind.GAP,
                MovePattern.MAKE_BEFORE_BREAK, true);
        ScenarioResult r = new ScenarioRunner(root, progress).run(scenario);
        Path file = ResultJson.write(root.resolve("lab-results"), "demo", List.of(r));
        if (json) {
            out.println(summary(r, file).toString());
        } else {
            printText(out, r, file);
        }
        out.flush();
        return 0;
    }

    static ObjectNode summary(ScenarioResult r, Path file) {
        ObjectNode node = new ObjectMapper().createObjectNode();
        node.put("survived", r.survived());
        node.put("verdict", r.verdict());
        node.put("max_gap_ms", r.maxGapMs());
        node.put("handover_gap_ms", r.moveResults().isEmpty() ? 0 : r.moveResults().get(0).gapMs());
        node.put("bytes_sent", r.bytesSent());
        node.put("bytes_lost", r.bytesLost());
        node.put("bytes_corrupted", r.bytesCorrupted());
        node.put("agents", r.agents());
        node.put("agent_note", r.agentNote());
        node.put("failure", r.failure());
        node.put("tuple_start", r.clientStartTuple());
        node.put("tuple_end", r.clientEndTuple());
        node.putPOJO("sessions", r.sessions());
        node.put("results_file", file.toString());
        return node;
    }

    private static void printText(PrintWriter out, ScenarioResult r, Path file) {
        long handover = r.moveResults().isEmpty() ? 0 : r.moveResults().get(0).gapMs();
        out.println();
        out.println("result");
        out.println("  survived:        " + (r.survived() ? "yes" : "no (" + r.verdict() + explainVerdict(r) + ")"));
        out.println("  handover gap:    " + handover + " ms" + (r.verdict().equals("stalled")
                ? " and counting: still silent when the run ended" : ""));
        out.println("  bytes lost:      " + r.bytesLost() + " of " + r.bytesSent() + " sent");
        out.println("  bytes corrupted: " + r.bytesCorrupted());
        out.println("  tuple:           " + r.clientStartTuple() + (r.clientStartTuple().equals(r.clientEndTuple())
                ? " (same at start and end)" : " at start, " + r.clientEndTuple() + " at end"));
        for (MoveResult m : r.moveResults()) {
            out.println("  move commands:");
            for (String command : m.move().commands()) {
                out.println("    " + command);
            }
        }
        if (r.agents()) {
            out.println("  agents:          running in A and B");
            for (String s : r.sessions()) {
                out.println("  sacipctl sessions on " + s.replace("\n", "\n    "));
            }
        } else {
            out.println("  agents:          none (" + r.agentNote() + ")");
            out.println("  Without an agent, A's socket keeps its old address, which left with uplink 1: this is the");
            out.println("  failure SACIP exists to prevent.");
        }
        out.println("  figures:         " + file);
    }

    private static String explainVerdict(ScenarioResult r) {
        if (r.failure() != null) {
            return ": " + r.failure();
        }
        return r.verdict().equals("stalled") ? ": still open but nothing delivered since the move" : "";
    }
}
