package org.sacip.lab.bench;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.sacip.lab.Lab;
import org.sacip.lab.LabException;
import org.sacip.lab.agent.Agents;
import org.sacip.lab.agent.ProjectRoot;
import org.sacip.lab.scenario.MoveResult;
import org.sacip.lab.scenario.StreamFigures;
import org.sacip.lab.topology.Family;
import org.sacip.lab.topology.StrictNat;
import org.sacip.lab.topology.Topology;
import org.sacip.lab.topology.TopologyBuilder;
import org.sacip.lab.topology.TopologyKind;
import org.sacip.lab.topology.Uplink;
import org.sacip.lab.traffic.Endpoint;
import org.sacip.lab.traffic.FineGap;
import org.sacip.lab.traffic.GapLog;
import org.sacip.lab.traffic.StreamDrain;
import org.sacip.lab.traffic.StreamReport;
import org.sacip.lab.traffic.TrafficKind;

/**
 * The handover gap with real agents in A and B: one verified gap stream A -> B (8-byte counters every 2 ms both
 * ways) per case, A moved back and forth many times in that one lab and stream, and per move the longest silence
 * either way and the "converged in N ms" of A's agent. Prints a table per case; see docs/BENCHMARKS.md.
 */
public final class HandoverGapBenchmark {
    private static final String NAME = "HandoverGapBenchmark";
    private static final String USAGE = "[cases=" + GapCase.names() + "] [moves=20] [spacingMs=1500] [leadMs=4000] "
            + "[settleMs=2000] [family=ipv4|ipv6] [nat=1,2]";
    private static final Set<String> KEYS = Set.of("cases", "moves", "spacingMs", "leadMs", "settleMs", "family",
            "nat");
    private static final int PORT = 5001;
    private static final long START_LIMIT_MS = 60_000;
    private static final long REPORT_LIMIT_MS = 30_000;

    private final Family family;
    private final int moves;
    private final long spacingMs;
    private final long leadMs;
    private final long settleMs;
    private final PrintStream out = System.out;
    /** A's uplinks (1, 2) behind the router's strict NAT (IPv4, roaming cases): moves onto, off and between NATs. */
    private final int[] natted;

    private HandoverGapBenchmark(BenchArgs args) {
        this.family = FamilyArg.parse(args.text("family", "ipv4"));
        String nat = args.text("nat", "");
        this.natted = nat.isBlank() ? new int[0] : Arrays.stream(nat.split(",")).mapToInt(uplink -> {
            int number = Integer.parseInt(uplink.strip());
            if (number != 1 && number != 2) {
                throw new IllegalArgumentException("nat names A's uplinks 1 and 2, not " + uplink);
            }
            return number;
        }).toArray();
        if (natted.length > 0 && family != Family.IPV4) {
            throw new IllegalArgumentException("nat: IPv4 only (NAT44)");
        }
        this.moves = (int) args.number("moves", 20, 1, 10_000);
        this.spacingMs = args.number("spacingMs", 1500, 200, 60_000);
        // Keys are agreed as soon as a session is seen established; the lead leaves room for a loaded machine.
        this.leadMs = args.number("leadMs", 4000, 0, 600_000);
        this.settleMs = args.number("settleMs", 2000, 0, 600_000);
    }

    public static void main(String[] args) {
        BenchMain.run(NAME, USAGE, args, a -> {
            BenchArgs parsed = new BenchArgs(a, KEYS);
            List<GapCase> cases = new ArrayList<>();
            for (String name : parsed.text("cases", GapCase.names()).split(",")) {
                cases.add(GapCase.parse(name));
            }
            new HandoverGapBenchmark(parsed).run(cases);
        });
    }

    private void run(List<GapCase> cases) {
        Path root = ProjectRoot.find();
        if (!Agents.available(root)) {
            throw new LabException(Agents.agentBinary(root) + " does not exist: build the agent first");
        }
        List<Summary> table = new ArrayList<>();
        for (GapCase c : cases) {
            table.addAll(runCase(c, root));
        }
        out.println();
        out.println("== summary: " + moves + " moves per case, " + spacingMs + " ms apart, " + family
                + (natted.length == 0 ? "" : ", uplink(s) " + Arrays.toString(natted) + " behind a NAT"));
        Summary.printHeader(out);
        for (Summary s : table) {
            s.print(out);
        }
        out.println("gap: the longest silence either way from a move's start to the next move's; 0 = none over "
                + GapLog.THRESHOLD_MS + " ms. converged: A's agent, kernel address event to the last peer's ack. "
                + "fine: the same silence at µs resolution, and (at) when it began after the move's start.");
    }

    private List<Summary> runCase(GapCase c, Path root) {
        out.println();
        out.println("== " + c.title() + " (" + c.cliName() + ", " + c.topology().cliName() + " topology, " + family
                + "): " + moves + " moves " + spacingMs + " ms apart");
        out.flush();
        try (Lab lab = new Lab()) {
            Topology topology = TopologyBuilder.build(lab, c.topology(), family);
            if (natted.length > 0) {
                if (c.topology() != TopologyKind.ROAMING) {
                    throw new IllegalArgumentException("nat: only the cases across uplinks have a router");
                }
                lab.run("r", "nft", StrictNat.rules(true, natted));
            }
            Agents agents = Agents.startIfPresent(lab, root, List.of("a", "b"));
            if (!agents.running()) {
                throw new LabException(agents.note());
            }
            Uplink a = topology.uplink("a", 0);
            Uplink b = topology.uplink("b", 0);
            String service = (family.isV6() ? "[" + b.address() + "]" : b.address()) + ":" + PORT;
            Endpoint server = Endpoint.start(lab, "b", TrafficKind.GAP, true, Map.of("listen", service));
            server.await("ready", START_LIMIT_MS);
            Endpoint client = Endpoint.start(lab, "a", TrafficKind.GAP, false,
                    Map.of("bind", a.address(), "connect", service));
            String tuple = client.await("connected", START_LIMIT_MS).path("tuple").asText();
            server.await("connected", START_LIMIT_MS);
            out.println("  stream open: " + tuple + "; agents in a and b; first move in " + leadMs + " ms");
            out.flush();
            Pause.ms(leadMs);

            BackAndForth mover = c.moves(topology);
            List<BenchMove> done = new ArrayList<>();
            long first = System.currentTimeMillis();
            for (int i = 0; i < moves; i++) {
                // A fixed schedule: a slow move does not push the later ones back.
                Pause.until(first + i * spacingMs);
                done.add(mover.move(i));
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
            List<MoveResult> gaps = figures.perMove(done.stream().map(BenchMove::event).toList(), quiescedAt);
            AgentLog log = AgentLog.read(lab, "a");
            List<AgentLog.Planned> planned = log.plannedPerMove(done);
            List<AgentLog.Converged> converged = log.convergedPerMove(done);

            List<StreamReport> reports = List.of(clientReport, serverReport);
            out.printf("  %4s %7s  %-22s %-30s %7s %12s %9s %11s%n", "move", "t ms", "A now uses", "agent saw",
                    "gap ms", "converged ms", "fine ms", "fine at ms");
            List<Long> gapValues = new ArrayList<>();
            List<Long> convergedValues = new ArrayList<>();
            for (int i = 0; i < done.size(); i++) {
                AgentLog.Planned p = planned.get(i);
                AgentLog.Converged v = converged.get(i);
                gapValues.add(gaps.get(i).gapMs());
                convergedValues.add(v == null ? null : v.ms());
                long startMs = done.get(i).event().startMs();
                long endMs = i + 1 < done.size() ? done.get(i + 1).event().startMs() : quiescedAt;
                FineGap fine = FineMoveGaps.longestGap(reports, startMs * 1000, endMs * 1000);
                String saw = p == null ? "(no move line)" : p.kind() + ", " + p.sessions() + " session(s)";
                String convergedMs = v == null ? "-" : v.ms() + (v.refused() > 0 ? " (" + v.refused() + " refused)"
                        : "");
                String fineMs = fine == null ? "-"
                        : String.format(Locale.ROOT, "%.1f", fine.durationMicros() / 1000.0);
                String fineAt = fine == null ? "-"
                        : String.format(Locale.ROOT, "%+.1f", (fine.startMicros() - startMs * 1000) / 1000.0);
                out.printf("  %4d %7d  %-22s %-30s %7d %12s %9s %11s%n", i + 1, startMs - first,
                        done.get(i).target(), saw, gaps.get(i).gapMs(), convergedMs, fineMs, fineAt);
            }
            out.println("  stream: " + figures.verdict().label() + ", longest gap " + figures.maxGapMs() + " ms, "
                    + figures.bytesLost() + " bytes lost, " + figures.bytesCorrupted() + " corrupted"
                    + (figures.failure() == null ? "" : ", " + figures.failure())
                    + (clientReport.startTuple().equals(clientReport.endTuple()) ? "" : ", tuple changed to "
                            + clientReport.endTuple()));
            out.println("  A's agent log: " + log.planned().size() + " move line(s), " + log.converged().size()
                    + " converged line(s)");
            List<Summary> summaries = List.of(new Summary(c.cliName() + ": gap", "ms", gapValues),
                    new Summary(c.cliName() + ": converged", "ms", convergedValues));
            Summary.printHeader(out);
            summaries.forEach(s -> s.print(out));
            out.flush();
            return summaries;
        }
    }
}
