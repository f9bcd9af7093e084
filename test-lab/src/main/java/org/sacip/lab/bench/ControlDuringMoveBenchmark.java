package org.sacip.lab.bench;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.sacip.lab.Lab;
import org.sacip.lab.LabException;
import org.sacip.lab.agent.AgentEvents;
import org.sacip.lab.agent.Agents;
import org.sacip.lab.agent.ProjectRoot;
import org.sacip.lab.agent.StatusProber;
import org.sacip.lab.move.MoveKind;
import org.sacip.lab.topology.Topology;
import org.sacip.lab.topology.TopologyBuilder;
import org.sacip.lab.topology.TopologyKind;
import org.sacip.lab.topology.Family;
import org.sacip.lab.traffic.Endpoint;
import org.sacip.lab.traffic.TrafficKind;

/**
 * How long the control socket takes to answer `status` while a large move runs: A holds `sessions` TCP sessions with
 * B, all bound to their key, and moves make-before-break between its uplinks, back and forth. From each move's start
 * (just before the new address is added) to A's `converged` event, `status` is asked every `probeMs` on A's socket,
 * one request at a time; each answer's time is measured at the socket (no CLI, no JVM start). Per move: the number
 * of answers, the longest and the p99; then the summary over all moves. The goal: 100 ms or less.
 */
public final class ControlDuringMoveBenchmark {
    private static final String NAME = "ControlDuringMoveBenchmark";
    private static final String USAGE = "[sessions=10000] [moves=10] [probeMs=10] [spacingMs=4000]";
    private static final Set<String> KEYS = Set.of("sessions", "moves", "probeMs", "spacingMs");
    private static final long START_LIMIT_MS = 120_000;
    private static final long BOUND_LIMIT_MS = 180_000;
    private static final Duration CONVERGE_LIMIT = Duration.ofSeconds(60);
    private static final long GOAL_MS = 100;

    private final int sessions;
    private final int moves;
    private final long probeMs;
    private final long spacingMs;
    private final PrintStream out = System.out;

    private ControlDuringMoveBenchmark(BenchArgs args) {
        this.sessions = (int) args.number("sessions", 10_000, 1, 30_000);
        this.moves = (int) args.number("moves", 10, 1, 1000);
        this.probeMs = args.number("probeMs", 10, 1, 1000);
        this.spacingMs = args.number("spacingMs", 4000, 500, 60_000);
    }

    public static void main(String[] args) {
        BenchMain.run(NAME, USAGE, args, a -> new ControlDuringMoveBenchmark(new BenchArgs(a, KEYS)).run());
    }

    private void run() {
        Path root = ProjectRoot.find();
        if (!Agents.available(root)) {
            throw new LabException(Agents.agentBinary(root) + " does not exist: build the agent first");
        }
        out.println("== status on A's control socket every " + probeMs + " ms while A moves " + sessions
                + " TCP sessions to B (roaming topology, IPv4, make-before-break, " + moves + " moves)");
        out.flush();
        try (Lab lab = new Lab()) {
            Topology topology = TopologyBuilder.build(lab, TopologyKind.ROAMING, Family.IPV4);
            Agents agents = Agents.startIfPresent(lab, root, List.of("a", "b"));
            if (!agents.running()) {
                throw new LabException(agents.note());
            }
            String a = topology.uplink("a", 0).address();
            String b = topology.uplink("b", 0).address();
            List<Endpoint> endpoints = new ArrayList<>();
            Endpoint server = Endpoint.start(lab, "b", TrafficKind.MANY, true,
                    Map.of("listen", "0.0.0.0:5001", "count", Integer.toString(sessions)));
            endpoints.add(server);
            server.await("ready", START_LIMIT_MS);
            Endpoint client = Endpoint.start(lab, "a", TrafficKind.MANY, false, Map.of("bind", a,
                    "connect", b + ":5001", "count", Integer.toString(sessions), "intervalMs", "1000"));
            endpoints.add(client);
            client.await("connected", START_LIMIT_MS);
            BoundSessions.await(agents, "a", sessions, BOUND_LIMIT_MS);
            out.println("  " + sessions + " sessions open and bound to A's key");

            Path socket = agents.control("a").socket();
            UplinkMoves mover = new UplinkMoves(topology, MoveKind.MAKE_BEFORE_BREAK);
            List<Long> longest = new ArrayList<>();
            List<Long> p99 = new ArrayList<>();
            List<Long> convergedMs = new ArrayList<>();
            out.printf("  %4s %8s %12s %10s %10s%n", "move", "answers", "converged ms", "max ms", "p99 ms");
            try (AgentEvents events = AgentEvents.follow(socket);
                    StatusProber prober = StatusProber.start(socket, Duration.ofMillis(probeMs))) {
                for (int i = 0; i < moves; i++) {
                    long start = System.nanoTime();
                    mover.move(i);
                    long end = events.await("converged", CONVERGE_LIMIT).receivedNanos();
                    List<Long> latencies = new ArrayList<>();
                    for (StatusProber.Probe probe : prober.probes()) {
                        if (probe.within(start, end)) {
                            if (!probe.ok()) {
                                throw new LabException("status failed during move " + (i + 1) + ": "
                                        + probe.failure());
                            }
                            latencies.add(probe.latencyMicros());
                        }
                    }
                    latencies.sort(null);
                    Long max = latencies.isEmpty() ? null : latencies.get(latencies.size() - 1) / 1000;
                    Long q = latencies.isEmpty() ? null
                            : latencies.get(Math.max(0, (int) Math.ceil(0.99 * latencies.size()) - 1)) / 1000;
                    longest.add(max);
                    p99.add(q);
                    convergedMs.add((end - start) / 1_000_000);
                    out.printf("  %4d %8d %12d %10s %10s%n", i + 1, latencies.size(), (end - start) / 1_000_000,
                            max == null ? "-" : max.toString(), q == null ? "-" : q.toString());
                    out.flush();
                    Pause.until(System.currentTimeMillis() + Math.max(0, spacingMs - (end - start) / 1_000_000));
                }
            }
            endpoints.forEach(Endpoint::close);
            out.println();
            Summary.printHeader(out);
            Summary worst = new Summary(sessions + " sessions: longest status answer in a move", "ms", longest);
            worst.print(out);
            new Summary(sessions + " sessions: p99 status answer in a move", "ms", p99).print(out);
            new Summary(sessions + " sessions: move start to converged event", "ms", convergedMs).print(out);
            Long max = worst.max();
            out.println("goal: status answered within " + GOAL_MS + " ms during every move: "
                    + (max != null && worst.missing() == 0 && max <= GOAL_MS ? "met" : "NOT met"));
            out.flush();
        }
    }
}
