package org.sacip.lab.bench;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.sacip.lab.Lab;
import org.sacip.lab.LabException;
import org.sacip.lab.agent.AgentPeer;
import org.sacip.lab.agent.Agents;
import org.sacip.lab.agent.ProjectRoot;
import org.sacip.lab.topology.Family;
import org.sacip.lab.topology.Topology;
import org.sacip.lab.topology.TopologyBuilder;
import org.sacip.lab.topology.TopologyKind;
import org.sacip.lab.traffic.Endpoint;
import org.sacip.lab.traffic.TrafficKind;

/**
 * What idle agents cost: the CPU time of each agent's whole JVM (utime + stime of /proc/PID/stat, all threads; the
 * way of measuring of {@code bin/sacip-lab bench}'s idle case) over {@code rounds} windows of {@code seconds} after a
 * warm-up, first with no session, then with {@code sessions} idle TCP sessions from A to B (one counter round trip
 * each when opened, then silent), all bound to A's key. Every window is printed per agent, as % of one core, then the
 * minimum and median per agent and case; the load average is printed with each window, since other work on the
 * machine shows in the figures. The goal: 0.1 % of one core or less, with 0 and with 1,000 sessions.
 */
public final class IdleCpuBenchmark {
    private static final String NAME = "IdleCpuBenchmark";
    private static final String USAGE = "[sessions=1000] [seconds=60] [rounds=3] [warmUpSeconds=15]";
    private static final Set<String> KEYS = Set.of("sessions", "seconds", "rounds", "warmUpSeconds");
    private static final List<String> HOSTS = List.of("a", "b");
    private static final int PORT = 5001;
    /** A silent session: the first counter round trip, then nothing for an hour. */
    private static final String SILENT_MS = "3600000";
    private static final long START_LIMIT_MS = 120_000;
    private static final long BOUND_LIMIT_MS = 180_000;
    private static final double GOAL_PERCENT = 0.1;

    private final int sessions;
    private final int seconds;
    private final int rounds;
    private final int warmUpSeconds;
    private final PrintStream out = System.out;

    private IdleCpuBenchmark(BenchArgs args) {
        this.sessions = (int) args.number("sessions", 1000, 1, 10_000);
        this.seconds = (int) args.number("seconds", 60, 1, 3600);
        this.rounds = (int) args.number("rounds", 3, 1, 100);
        this.warmUpSeconds = (int) args.number("warmUpSeconds", 15, 0, 600);
    }

    public static void main(String[] args) {
        BenchMain.run(NAME, USAGE, args, a -> new IdleCpuBenchmark(new BenchArgs(a, KEYS)).run());
    }

    private void run() {
        Path root = ProjectRoot.find();
        if (!Agents.available(root)) {
            throw new LabException(Agents.agentBinary(root) + " does not exist: build the agent first");
        }
        out.println("== idle CPU of the agents' JVMs (utime + stime of /proc/PID/stat), " + rounds + " x " + seconds
                + " s after a " + warmUpSeconds + " s warm-up; roaming topology, IPv4; " + Runtime.getRuntime()
                .availableProcessors() + " CPUs");
        out.flush();
        try (Lab lab = new Lab()) {
            Topology topology = TopologyBuilder.build(lab, TopologyKind.ROAMING, Family.IPV4);
            Agents agents = Agents.startIfPresent(lab, root, HOSTS);
            if (!agents.running()) {
                throw new LabException(agents.note());
            }
            List<Double> noSessions = measure(agents, "0 sessions");

            String b = topology.uplink("b", 0).address() + ":" + PORT;
            Endpoint server = Endpoint.start(lab, "b", TrafficKind.MANY, true,
                    Map.of("listen", b, "count", Integer.toString(sessions)));
            server.await("ready", START_LIMIT_MS);
            Endpoint client = Endpoint.start(lab, "a", TrafficKind.MANY, false, Map.of("bind",
                    topology.uplink("a", 0).address(), "connect", b, "count", Integer.toString(sessions),
                    "intervalMs", SILENT_MS));
            client.await("connected", START_LIMIT_MS);
            awaitBound(agents);
            out.println("  " + sessions + " idle sessions open and bound to A's key");
            List<Double> withSessions = measure(agents, sessions + " sessions");
            client.close();
            server.close();

            out.println();
            out.printf("  %-16s %-6s %10s %10s   (%% of one core over %d s; goal <= %.1f %%)%n", "case", "agent",
                    "min", "median", seconds, GOAL_PERCENT);
            boolean met = summarize("0 sessions", noSessions) & summarize(sessions + " sessions", withSessions);
            out.println("goal: each agent's median <= " + GOAL_PERCENT + " % of one core with 0 and " + sessions
                    + " idle sessions: " + (met ? "met" : "NOT met"));
            out.flush();
        }
    }

    /** Warm-up, then {@link #rounds} windows; per window and agent the CPU share (agents in {@link #HOSTS} order). */
    private List<Double> measure(Agents agents, String what) {
        out.println("  " + what + ": " + warmUpSeconds + " s warm-up");
        out.flush();
        Pause.ms(warmUpSeconds * 1000L);
        List<Double> shares = new ArrayList<>();
        for (int round = 1; round <= rounds; round++) {
            long[] before = new long[HOSTS.size()];
            for (int i = 0; i < HOSTS.size(); i++) {
                before[i] = ProcStat.cpuMicros(agents.pid(HOSTS.get(i)));
            }
            long start = System.nanoTime();
            Pause.ms(seconds * 1000L);
            long elapsedMicros = (System.nanoTime() - start) / 1000;
            StringBuilder line = new StringBuilder(String.format("  %-16s round %d/%d:", what, round, rounds));
            for (int i = 0; i < HOSTS.size(); i++) {
                long used = ProcStat.cpuMicros(agents.pid(HOSTS.get(i))) - before[i];
                double share = 100.0 * used / elapsedMicros;
                shares.add(share);
                line.append(String.format(" %s %.3f %% (%d ms)", HOSTS.get(i), share, used / 1000));
            }
            out.println(line + "; load average " + loadAverage());
            out.flush();
        }
        return shares;
    }

    private boolean summarize(String what, List<Double> shares) {
        boolean met = true;
        for (int i = 0; i < HOSTS.size(); i++) {
            List<Double> mine = new ArrayList<>();
            for (int j = i; j < shares.size(); j += HOSTS.size()) {
                mine.add(shares.get(j));
            }
            mine.sort(null);
            double median = mine.get((mine.size() - 1) / 2);
            met &= median <= GOAL_PERCENT;
            out.printf("  %-16s %-6s %9.3f%% %9.3f%%%n", what, HOSTS.get(i), mine.get(0), median);
        }
        return met;
    }

    private void awaitBound(Agents agents) {
        long deadline = System.currentTimeMillis() + BOUND_LIMIT_MS;
        while (true) {
            int bound = 0;
            for (AgentPeer peer : agents.control("a").peers()) {
                bound += peer.sessions();
            }
            if (bound == sessions) {
                return;
            }
            if (System.currentTimeMillis() > deadline) {
                throw new LabException("only " + bound + " of " + sessions + " sessions bound after "
                        + BOUND_LIMIT_MS + " ms");
            }
            Pause.ms(200);
        }
    }

    private static String loadAverage() {
        try {
            String[] fields = java.nio.file.Files.readString(Path.of("/proc/loadavg")).split(" ");
            return fields[0] + " " + fields[1] + " " + fields[2];
        } catch (java.io.IOException e) {
            return "unknown (" + e.getMessage() + ")";
        }
    }
}
