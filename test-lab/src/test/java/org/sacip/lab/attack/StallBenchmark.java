package org.sacip.lab.attack;

import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.sacip.lab.Lab;
import org.sacip.lab.LabException;
import org.sacip.lab.agent.AgentEvents;
import org.sacip.lab.agent.Agents;
import org.sacip.lab.agent.ProjectRoot;
import org.sacip.lab.bench.EndpointClasspath;
import org.sacip.lab.move.MoveKind;
import org.sacip.lab.move.MoveStep;
import org.sacip.lab.move.Mover;
import org.sacip.lab.scenario.StreamFigures;
import org.sacip.lab.topology.Family;
import org.sacip.lab.topology.Topology;
import org.sacip.lab.topology.TopologyBuilder;
import org.sacip.lab.topology.TopologyKind;

/**
 * StallTest's figures: how long B takes to acknowledge A's move with and without spoofed HELLOs from unused
 * on-link addresses arriving every 100 ms (E sends them through R, a fresh address each time). A streams to B and
 * moves make-before-break between its uplinks, back and forth, `moves` times without the spoofing and `moves` times
 * with it, alternating; the figure per move is A's `converged` event's `ms` (from the kernel's address event to B's
 * acknowledgement). Prints one row per move, then the two summaries. Not a test: it asserts nothing.
 *
 * <pre>
 * mvn -B -q -o -pl test-lab exec:java -Dexec.classpathScope=test \
 *   -Dexec.mainClass=org.sacip.lab.attack.StallBenchmark -Dexec.args="moves=10 family=ipv4"
 * </pre>
 */
public final class StallBenchmark {
    private static final int PORT = 5001;
    private static final double HELLOS_PER_SECOND = 10;
    private static final Duration CONVERGE_LIMIT = Duration.ofSeconds(30);
    private static final long SPACING_MS = 2500;

    private final PrintStream out = System.out;
    private final int moves;
    private final Family family;

    private StallBenchmark(int moves, Family family) {
        this.moves = moves;
        this.family = family;
    }

    public static void main(String[] args) {
        int moves = 10;
        Family family = Family.IPV4;
        for (String arg : args) {
            String[] kv = arg.split("=", 2);
            try {
                switch (kv[0]) {
                    case "moves" -> moves = Integer.parseInt(kv[1]);
                    case "family" -> family = switch (kv[1]) {
                        case "ipv4" -> Family.IPV4;
                        case "ipv6" -> Family.IPV6;
                        default -> throw new IllegalArgumentException("family is ipv4 or ipv6");
                    };
                    default -> throw new IllegalArgumentException("unknown argument " + kv[0]);
                }
            } catch (RuntimeException e) {
                System.err.println("StallBenchmark: " + arg + ": " + e.getMessage()
                        + " (arguments: [moves=10] [family=ipv4|ipv6])");
                System.exit(2);
                return;
            }
        }
        if (moves < 1 || moves > 1000) {
            System.err.println("StallBenchmark: moves must be 1..1000");
            System.exit(2);
        }
        try {
            EndpointClasspath.ensure();
            new StallBenchmark(moves, family).run();
        } catch (Exception e) {
            System.err.println("StallBenchmark: failed: " + e.getMessage());
            System.exit(1);
        }
    }

    private void run() throws Exception {
        out.println("== acknowledgement of A's move by B with and without spoofed HELLOs from unused on-link"
                + " addresses (" + HELLOS_PER_SECOND + "/s), " + moves + " moves each, " + family);
        try (Lab lab = new Lab()) {
            Topology topology = TopologyBuilder.build(lab, TopologyKind.ATTACKERS, family);
            InetAddress x = Addresses.of(family, 1, 2);
            InetAddress b = Addresses.of(family, 10, 2);
            Agents agents = Agents.startIfPresent(lab, ProjectRoot.find(), List.of("a", "b"));
            if (!agents.running()) {
                throw new LabException(agents.note());
            }
            VerifiedStream stream = VerifiedStream.open(lab, "a", x, "b", new InetSocketAddress(b, PORT));
            PeerKeys.await(agents, "a", b);
            PeerKeys.await(agents, "b", x);
            SpoofedSources unused = SpoofedSources.from(family.isV6() ? "2001:db8:10::1:0" : "198.18.10.3",
                    family.isV6() ? 4000 : 250);
            Forgeries forge = new Forgeries();
            Mover mover = new Mover(topology);
            List<Long> quiet = new ArrayList<>();
            List<Long> spoofed = new ArrayList<>();
            out.printf("  %4s %-10s %10s%n", "move", "HELLOs", "ack ms");
            try (AgentEvents events = AgentEvents.follow(agents.control("a").socket());
                    RawIpSocket fromE = RawIpSocket.open(lab.ns("e"), family.isV6())) {
                for (int i = 0; i < 2 * moves; i++) {
                    boolean spoof = i % 2 == 1;
                    PacedSender hellos = spoof ? PacedSender.start("spoofed HELLOs", fromE, unused.count(),
                            HELLOS_PER_SECOND, n -> Forgeries.packet(forge.hello(), unused.get(n), b)) : null;
                    long started = System.currentTimeMillis();
                    mover.move(new MoveStep("a", i % 2, (i + 1) % 2, MoveKind.MAKE_BEFORE_BREAK, 0));
                    long ms = events.await("converged", CONVERGE_LIMIT).fields().path("ms").asLong();
                    (spoof ? spoofed : quiet).add(ms);
                    out.printf("  %4d %-10s %10d%n", i + 1, spoof ? "spoofed" : "none", ms);
                    out.flush();
                    long left = started + SPACING_MS - System.currentTimeMillis();
                    if (left > 0) {
                        Thread.sleep(left);
                    }
                    if (hellos != null) {
                        hellos.stop();
                    }
                }
            }
            StreamFigures figures = stream.finish();
            out.println("  stream: " + figures.verdict() + ", longest gap " + figures.maxGapMs() + " ms");
            print("without spoofed HELLOs", quiet);
            print("with spoofed HELLOs every 100 ms", spoofed);
        }
    }

    private void print(String what, List<Long> values) {
        List<Long> sorted = values.stream().sorted().toList();
        out.printf("  acknowledgement %s: median %d ms, max %d ms (%d moves; raw %s)%n", what,
                sorted.get((sorted.size() - 1) / 2), sorted.get(sorted.size() - 1), sorted.size(), values);
    }
}
