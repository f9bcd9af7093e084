package org.sacip.lab.bench;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.sacip.lab.Lab;
import org.sacip.lab.LabException;
import org.sacip.lab.agent.Agents;
import org.sacip.lab.agent.ProjectRoot;
import org.sacip.lab.move.MoveKind;
import org.sacip.lab.move.MoveStep;
import org.sacip.lab.move.Mover;
import org.sacip.lab.scenario.MoveResult;
import org.sacip.lab.scenario.StreamFigures;
import org.sacip.lab.topology.Family;
import org.sacip.lab.topology.Topology;
import org.sacip.lab.topology.TopologyBuilder;
import org.sacip.lab.topology.TopologyKind;
import org.sacip.lab.topology.Uplink;
import org.sacip.lab.traffic.Endpoint;
import org.sacip.lab.traffic.StreamDrain;
import org.sacip.lab.traffic.StreamReport;
import org.sacip.lab.traffic.TrafficKind;

/**
 * The break-before-make gap with and without the retransmission kick (docs/DATAPATH.md): per outage and mode, one
 * lab with agents in A and B (roaming topology), one verified gap stream A -> B (8-byte counters every 2 ms both
 * ways), A moved back and forth between its uplinks break-before-make with the given outage, and per move the
 * longest silence in either direction (from the endpoints' delivery clocks, 1 ms resolution). "off" runs the same
 * agents with an nftables rule in A and B that drops the kick's ICMP errors on their way out, so nothing else
 * differs. Prints median and max per case, A's agent's convergence time per move (the kick acts only after it) and
 * the agents' kick counts.
 */
public final class RetransmissionKickBenchmark {
    private static final String NAME = "RetransmissionKickBenchmark";
    private static final String USAGE = "[outagesMs=100,300] [modes=on,off] [moves=10] [spacingMs=2500] "
            + "[leadMs=4000] [settleMs=2000] [family=ipv4|ipv6]";
    private static final Set<String> KEYS = Set.of("outagesMs", "modes", "moves", "spacingMs", "leadMs", "settleMs",
            "family");
    private static final int PORT = 5001;
    private static final long START_LIMIT_MS = 60_000;
    private static final long REPORT_LIMIT_MS = 30_000;
    /** The kick's errors: ICMP host unreachable this host sends itself (nothing else in the lab does). */
    private static final String[] BLOCK_KICK = {"nft",
            "add table inet nokick { chain out { type filter hook output priority filter; policy accept; "
                    + "icmp type destination-unreachable icmp code host-unreachable drop; }; }"};

    private final Family family;
    private final int moves;
    private final long spacingMs;
    private final long leadMs;
    private final long settleMs;
    private final PrintStream out = System.out;

    private RetransmissionKickBenchmark(BenchArgs args) {
        this.family = FamilyArg.parse(args.text("family", "ipv4"));
        this.moves = (int) args.number("moves", 10, 1, 10_000);
        this.spacingMs = args.number("spacingMs", 2500, 500, 60_000);
        this.leadMs = args.number("leadMs", 4000, 0, 600_000);
        this.settleMs = args.number("settleMs", 2000, 0, 600_000);
    }

    public static void main(String[] args) {
        BenchMain.run(NAME, USAGE, args, a -> {
            BenchArgs parsed = new BenchArgs(a, KEYS);
            List<Long> outages = new ArrayList<>();
            for (String outage : parsed.text("outagesMs", "100,300").split(",")) {
                outages.add(Long.parseLong(outage.strip()));
            }
            List<Boolean> modes = new ArrayList<>();
            for (String mode : parsed.text("modes", "on,off").split(",")) {
                switch (mode.strip()) {
                    case "on" -> modes.add(true);
                    case "off" -> modes.add(false);
                    default -> throw new IllegalArgumentException("unknown mode '" + mode + "' (on, off)");
                }
            }
            new RetransmissionKickBenchmark(parsed).run(outages, modes);
        });
    }

    private void run(List<Long> outages, List<Boolean> modes) {
        Path root = ProjectRoot.find();
        if (!Agents.available(root)) {
            throw new LabException(Agents.agentBinary(root) + " does not exist: build the agent first");
        }
        List<Summary> table = new ArrayList<>();
        for (long outage : outages) {
            for (boolean kick : modes) {
                table.addAll(runCase(root, outage, kick));
            }
        }
        out.println();
        out.println("== summary: break-before-make, " + moves + " moves per case, " + spacingMs + " ms apart, "
                + family);
        Summary.printHeader(out);
        table.forEach(s -> s.print(out));
        out.println("gap: per move, the longest silence either way (ms, 1 ms resolution; silences up to 20 ms count"
                + " as 0). converged: A's agent, kernel address event to the peer's ack. kick off: the agents' kick"
                + " errors dropped by nftables in A and B.");
        out.flush();
    }

    private List<Summary> runCase(Path root, long outageMs, boolean kick) {
        String label = "bbm " + outageMs + " ms outage, kick " + (kick ? "on" : "off");
        out.println();
        out.println("== " + label + " (" + family + "): " + moves + " moves " + spacingMs + " ms apart");
        out.flush();
        try (Lab lab = new Lab()) {
            Topology topology = TopologyBuilder.build(lab, TopologyKind.ROAMING, family);
            Agents agents = Agents.startIfPresent(lab, root, List.of("a", "b"));
            if (!agents.running()) {
                throw new LabException(agents.note());
            }
            if (!kick) {
                lab.run("a", BLOCK_KICK);
                lab.run("b", BLOCK_KICK);
            }
            Uplink a = topology.uplink("a", 0);
            Uplink b = topology.uplink("b", 0);
            String service = (family.isV6() ? "[" + b.address() + "]" : b.address()) + ":" + PORT;
            Endpoint server = Endpoint.start(lab, "b", TrafficKind.GAP, true, Map.of("listen", service));
            server.await("ready", START_LIMIT_MS);
            Endpoint client = Endpoint.start(lab, "a", TrafficKind.GAP, false,
                    Map.of("bind", a.address(), "connect", service));
            client.await("connected", START_LIMIT_MS);
            server.await("connected", START_LIMIT_MS);
            Pause.ms(leadMs);

            Mover mover = new Mover(topology, outageMs);
            List<BenchMove> done = new ArrayList<>();
            long first = System.currentTimeMillis();
            for (int i = 0; i < moves; i++) {
                Pause.until(first + i * spacingMs);
                done.add(new BenchMove(mover.move(new MoveStep("a", i % 2, (i + 1) % 2, MoveKind.BREAK_BEFORE_MAKE,
                        0)), topology.uplink("a", (i + 1) % 2).address()));
            }
            Pause.ms(settleMs);

            client.send("quiesce");
            server.send("quiesce");
            long quiescedAt = client.await("quiesced", REPORT_LIMIT_MS).path("atMs").asLong();
            server.await("quiesced", REPORT_LIMIT_MS);
            StreamDrain.drain(List.of(client, server));
            StreamReport clientReport = client.report(REPORT_LIMIT_MS);
            StreamReport serverReport = server.report(REPORT_LIMIT_MS);
            StreamFigures figures = new StreamFigures(clientReport, serverReport);
            List<Long> gaps = new ArrayList<>();
            for (MoveResult result : figures.perMove(done.stream().map(BenchMove::event).toList(), quiescedAt)) {
                gaps.add(result.gapMs());
            }
            // The kick can only shorten what follows convergence: the agent's own figure, from the kernel's address
            // event to the peer's acknowledgement.
            List<Long> converged = new ArrayList<>();
            for (AgentLog.Converged c : AgentLog.read(lab, "a").convergedPerMove(done)) {
                converged.add(c == null ? null : c.ms());
            }
            out.println("  stream: " + figures.verdict().label() + ", longest gap " + figures.maxGapMs() + " ms, "
                    + figures.bytesLost() + " bytes lost, " + figures.bytesCorrupted() + " corrupted"
                    + (figures.failure() == null ? "" : ", " + figures.failure()));
            for (String host : List.of("a", "b")) {
                JsonNode counts = agents.control(host).status().path("retransmission_kicks");
                out.println("  " + host + "'s kick counts: " + counts);
            }
            List<Summary> summaries = List.of(new Summary(label + ": gap", "ms", gaps),
                    new Summary(label + ": converged", "ms", converged));
            Summary.printHeader(out);
            summaries.forEach(summary -> summary.print(out));
            out.flush();
            return summaries;
        }
    }
}
