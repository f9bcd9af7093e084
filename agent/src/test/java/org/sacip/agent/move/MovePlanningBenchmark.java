package org.sacip.agent.move;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.sacip.agent.session.SessionDiscovery;

/**
 * How long move detection takes with many sessions: 1,000 TCP connections to 10 peer addresses, moved
 * make-before-break from X to Y and back home 20 times each, the sessions found by {@link SessionDiscovery} (sock_diag
 * and conntrack; the agent reads the session tracker's index instead). Prints, per kind, the median and p99 of (a)
 * the time from the kernel event being read to the plan being ready (session dump, route lookups, grouping) and (b)
 * the time from just before `ip addr del` / `ip addr add` is started to the plan being ready (includes starting
 * `ip`).
 * Run: {@code mvn -B -q -o -pl agent exec:java -Dexec.classpathScope=test
 * -Dexec.mainClass=org.sacip.agent.move.MovePlanningBenchmark}
 */
public final class MovePlanningBenchmark {
    private static final int PEERS = 10;
    private static final int PER_PEER = 100;
    private static final int ROUNDS = 20;
    private static final String X = "198.18.0.1";
    private static final String Y = "198.18.0.2";

    private MovePlanningBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        List<Double> moveProcessing = new ArrayList<>();
        List<Double> moveTotal = new ArrayList<>();
        List<Double> homeProcessing = new ArrayList<>();
        List<Double> homeTotal = new ArrayList<>();
        try (TwoHosts lab = TwoHosts.create()) {
            MoveMonitorIntegrationTest.ipv4Lab(lab);
            for (int peer = 3; peer <= PEERS; peer++) {
                lab.inPeer("ip", "addr", "add", "198.19.0." + peer + "/32", "dev", "lo");
            }
            try (SessionDiscovery discovery = MoveMonitorIntegrationTest.discovery(lab);
                    MoveMonitor monitor = MoveMonitorIntegrationTest.monitor(lab, discovery);
                    LabSessions sessions = new LabSessions(lab, X)) {
                for (int peer = 1; peer <= PEERS; peer++) {
                    for (int i = 0; i < PER_PEER; i++) {
                        sessions.tcp("198.19.0." + peer);
                    }
                }
                for (int round = 0; round < ROUNDS; round++) {
                    lab.inHost("ip", "addr", "add", Y + "/24", "dev", lab.hostLinks[0]);
                    drain(monitor);
                    long start = System.nanoTime();
                    Instant startInstant = Instant.now();
                    lab.inHost("ip", "addr", "del", X + "/24", "dev", lab.hostLinks[0]);
                    MovePlan move = awaitPlan(monitor);
                    record(move, MoveKind.MAKE_BEFORE_BREAK, start, startInstant, moveProcessing, moveTotal);

                    start = System.nanoTime();
                    startInstant = Instant.now();
                    lab.inHost("ip", "addr", "add", X + "/24", "dev", lab.hostLinks[0]);
                    MovePlan home = awaitPlan(monitor);
                    record(home, MoveKind.RETURN_HOME, start, startInstant, homeProcessing, homeTotal);
                    lab.inHost("ip", "addr", "del", Y + "/24", "dev", lab.hostLinks[0]);
                    drain(monitor);
                }
            }
        }
        print("make-before-break, event read -> plan", moveProcessing);
        print("make-before-break, `ip addr del` start -> plan", moveTotal);
        print("return home, event read -> plan", homeProcessing);
        print("return home, `ip addr add` start -> plan", homeTotal);
    }

    private static void record(MovePlan plan, MoveKind kind, long start, Instant startInstant, List<Double> processing,
            List<Double> total) {
        long end = System.nanoTime();
        Instant ready = Instant.now();
        if (plan.kind() != kind || plan.sessionCount() != PEERS * PER_PEER || plan.peers().size() != PEERS) {
            throw new IllegalStateException("unexpected plan: " + plan);
        }
        total.add((end - start) / 1e6);
        processing.add(Duration.between(plan.seenAt(), ready).toNanos() / 1e6);
        if (plan.seenAt().isBefore(startInstant)) {
            throw new IllegalStateException("plan seen before the change was made: " + plan);
        }
    }

    private static MovePlan awaitPlan(MoveMonitor monitor) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (System.nanoTime() < deadline) {
            List<MovePlan> plans = monitor.poll(Duration.ofMillis(100));
            if (!plans.isEmpty()) {
                return plans.get(0);
            }
        }
        throw new IllegalStateException("no plan within 20 s");
    }

    private static void drain(MoveMonitor monitor) throws Exception {
        List<MovePlan> plans = monitor.poll(Duration.ofMillis(100));
        if (!plans.isEmpty()) {
            throw new IllegalStateException("unexpected plans: " + plans);
        }
    }

    private static void print(String label, List<Double> millis) {
        List<Double> sorted = new ArrayList<>(millis);
        Collections.sort(sorted);
        double median = sorted.get(sorted.size() / 2);
        double p99 = sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(sorted.size() * 0.99) - 1));
        System.out.printf("%-48s n=%d median %.2f ms  p99 %.2f ms  max %.2f ms%n", label, sorted.size(), median, p99,
                sorted.get(sorted.size() - 1));
    }
}
