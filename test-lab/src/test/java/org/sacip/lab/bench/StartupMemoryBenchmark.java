package org.sacip.lab.bench;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.sacip.commands.CommandResult;
import org.sacip.control.ControlClient;
import org.sacip.control.ControlCommand;
import org.sacip.control.ControlFailure;
import org.sacip.lab.Lab;
import org.sacip.lab.LabException;
import org.sacip.lab.Shell;
import org.sacip.lab.agent.Agents;
import org.sacip.lab.agent.ProjectRoot;
import org.sacip.lab.topology.Family;
import org.sacip.lab.topology.Topology;
import org.sacip.lab.topology.TopologyBuilder;
import org.sacip.lab.topology.TopologyKind;
import org.sacip.lab.topology.Uplink;
import org.sacip.lab.traffic.Endpoint;
import org.sacip.lab.traffic.TrafficKind;
import org.sacip.testing.AgentProcess;

/**
 * Start-to-ready and memory of bin/sacip-agent (issue 11, item 5). Start-to-ready: the launcher started in a fresh
 * namespace until the first answer on its control socket (polled every 5 ms), several starts, each stopped with
 * SIGTERM; the first start of a fresh build writes the class-data archive (docs/AGENT.md, Start-up), the others use
 * it. Memory: A's agent's VmRSS and VmHWM (/proc/PID/status) with no sessions and with N TCP sessions to B, all
 * counted by the agent and with keys to every peer address. A lab process may hold about 20,000 descriptors, so the
 * sessions go to one peer address of B per {@code perProcess} (10,000 unless given), each with a server on a port of
 * its own and a client.
 */
public final class StartupMemoryBenchmark {
    private static final String NAME = "StartupMemoryBenchmark";
    private static final String USAGE = "[starts=7] [sessions=10000] [perProcess=10000] (sessions=0: start-to-ready "
            + "only; perProcess: sessions per endpoint process and peer address)";
    private static final Set<String> KEYS = Set.of("starts", "sessions", "perProcess");
    private static final int PORT = 5001;
    private static final int PEER_SUBNET = 10;
    private static final int FIRST_PEER_HOST = 2;
    /** Below the lab's hard limit of descriptors per process (20,000 here), with room for the JVM's own. */
    private static final int DEFAULT_PER_PROCESS = 10_000;
    private static final int MAX_PER_PROCESS = 16_000;
    private static final long READY_GOAL_MS = 1000;
    private static final long RSS_GOAL_MB = 150;
    /** Classes of the live heap printed. */
    private static final int HISTOGRAM_TOP = 15;
    private static final Duration START_LIMIT = Duration.ofSeconds(60);
    private static final Duration STOP_LIMIT = Duration.ofSeconds(60);
    private static final Duration ANSWER_TIMEOUT = Duration.ofSeconds(2);
    private static final long OPEN_LIMIT_MS = 600_000;
    private static final long COUNTED_LIMIT_MS = 600_000;

    private final int starts;
    private final int sessions;
    private final int perProcess;
    private final PrintStream out = System.out;

    private StartupMemoryBenchmark(BenchArgs args) {
        this.starts = (int) args.number("starts", 7, 1, 100);
        this.sessions = (int) args.number("sessions", 10_000, 0, 200_000);
        this.perProcess = (int) args.number("perProcess", DEFAULT_PER_PROCESS, 1, MAX_PER_PROCESS);
    }

    public static void main(String[] args) {
        BenchMain.run(NAME, USAGE, args, a -> new StartupMemoryBenchmark(new BenchArgs(a, KEYS)).run());
    }

    private void run() {
        Path root = ProjectRoot.find();
        if (!Agents.available(root)) {
            throw new LabException(Agents.agentBinary(root) + " does not exist: build the agent first");
        }
        out.println("== start to ready: " + starts + " starts of " + Agents.agentBinary(root) + " in a fresh namespace"
                + " (load average " + loadAverage() + ")");
        List<Long> ready = new ArrayList<>();
        try (Lab lab = new Lab()) {
            lab.addHost("a");
            Path state = Path.of("/run/sacip-lab", lab.ns("a"));
            lab.onTeardown(() -> Shell.tryRun(List.of("rm", "-rf", state.toString())));
            for (int i = 0; i < starts; i++) {
                ready.add(startOnce(lab, state, i + 1));
            }
        }
        Summary summary = new Summary("start to ready", "ms", ready);
        out.println();
        Summary.printHeader(out);
        summary.print(out);
        out.println("goal: start to ready <= " + READY_GOAL_MS + " ms: median " + (summary.percentile(50) <= READY_GOAL_MS
                ? "met" : "NOT met") + ", max " + (summary.max() <= READY_GOAL_MS ? "met" : "NOT met"));
        out.flush();
        if (sessions > 0) {
            memory(root);
        }
    }

    private long startOnce(Lab lab, Path state, int n) {
        try {
            Files.createDirectories(state);
        } catch (IOException e) {
            throw new LabException("cannot create " + state + ": " + e.getMessage(), e);
        }
        Path socket = state.resolve("control.sock");
        long t0 = System.nanoTime();
        try (AgentProcess agent = AgentProcess.start(lab.ns("a"), List.of(Agents.agentBinary(ProjectRoot.find())
                .toString()), socket, state, state.resolve("agent.log"), List.of())) {
            long deadline = t0 + START_LIMIT.toNanos();
            while (!answers(socket)) {
                if (!agent.isAlive() || System.nanoTime() > deadline) {
                    throw new LabException("the agent did not answer (start " + n + "): " + agent.logTail());
                }
                Pause.ms(5);
            }
            long ms = (System.nanoTime() - t0) / 1_000_000;
            String archive = archiveUse(agent.pid());
            long rss = status(agent.pid(), "VmRSS");
            int exit = agent.stop(STOP_LIMIT);
            out.printf("  start %2d: ready in %5d ms, VmRSS %4d MB idle, %s, exit %d after SIGTERM (load %s)%n", n, ms,
                    rss / 1024, archive, exit, loadAverage());
            out.flush();
            return ms;
        }
    }

    private static boolean answers(Path socket) {
        try {
            return new ControlClient(socket, ANSWER_TIMEOUT).exchange(ControlCommand.VERSION).path("ok")
                    .asBoolean(false);
        } catch (ControlFailure notYet) {
            return false;
        }
    }

    private void memory(Path root) {
        int processes = (sessions + perProcess - 1) / perProcess;
        int each = sessions / processes;
        int total = each * processes;
        long intervalMs = Math.max(100, total / 10);
        out.println();
        out.println("== memory: " + total + " TCP sessions from A to " + processes + " peer address(es) of B ("
                + each + " each, a counter every " + intervalMs + " ms per session), agents in A and B");
        out.flush();
        try (Lab lab = new Lab()) {
            Topology topology = TopologyBuilder.build(lab, TopologyKind.ROAMING, Family.IPV4);
            Agents agents = Agents.startIfPresent(lab, root, List.of("a", "b"));
            if (!agents.running()) {
                throw new LabException(agents.note());
            }
            long pid = agents.pid("a");
            out.println("  A's agent, no sessions: VmRSS " + status(pid, "VmRSS") / 1024 + " MB, VmHWM "
                    + status(pid, "VmHWM") / 1024 + " MB, threads " + status(pid, "Threads"));
            Uplink a = topology.uplink("a", 0);
            Uplink b = topology.uplink("b", 0);
            // B's servers accept on one thread each: the default accept queue overflows and SYN-ACK retries back off.
            lab.run("b", "sysctl", "-q", "-w", "net.core.somaxconn=65535");
            lab.run("b", "sysctl", "-q", "-w", "net.ipv4.tcp_max_syn_backlog=65535");
            long opening = System.currentTimeMillis();
            for (int p = 0; p < processes; p++) {
                String peer = Family.IPV4.address(PEER_SUBNET, FIRST_PEER_HOST + p);
                if (!peer.equals(b.address())) {
                    lab.run("b", TopologyBuilder.addressCommand(Family.IPV4, "add", peer + "/" + b.prefixLength(),
                            b.ifName()).toArray(String[]::new));
                }
                Endpoint server = Endpoint.start(lab, "b", TrafficKind.MANY, true, Map.of("listen", "0.0.0.0:"
                        + (PORT + p), "count", Integer.toString(each)));
                server.await("ready", OPEN_LIMIT_MS);
                // One client at a time: all of them connecting at once on two cores miss their connect deadline.
                Endpoint client = Endpoint.start(lab, "a", TrafficKind.MANY, false, Map.of("bind", a.address(),
                        "connect", peer + ":" + (PORT + p), "count", Integer.toString(each), "intervalMs",
                        Long.toString(intervalMs)));
                client.await("connected", OPEN_LIMIT_MS);
                // The curve on the way: when a later client fails, the figures so far are still printed.
                out.println("  " + (p + 1) * each + " sessions open: A's agent's VmRSS " + status(pid, "VmRSS") / 1024
                        + " MB, follows " + agents.control("a").status().path("sessions").asInt() + " (load average "
                        + loadAverage() + ")");
                out.flush();
            }
            out.println("  " + total + " sessions open in " + (System.currentTimeMillis() - opening) + " ms");
            long since = System.currentTimeMillis();
            JsonNode status = agents.control("a").status();
            while (status.path("sessions").asInt() < total || status.path("peers").asInt() < processes) {
                if (System.currentTimeMillis() - since > COUNTED_LIMIT_MS) {
                    throw new LabException("A's agent follows " + status.path("sessions").asInt() + " of " + total
                            + " sessions with " + status.path("peers").asInt() + " key(s) after " + COUNTED_LIMIT_MS
                            + " ms");
                }
                Pause.ms(500);
                status = agents.control("a").status();
            }
            out.println("  A's agent follows " + status.path("sessions").asInt() + " sessions with "
                    + status.path("peers").asInt() + " key lineage(s), " + (System.currentTimeMillis() - since)
                    + " ms after they were open");
            long rss = status(pid, "VmRSS");
            out.println("  A's agent, " + total + " sessions: VmRSS " + rss / 1024 + " MB, VmHWM "
                    + status(pid, "VmHWM") / 1024 + " MB, threads " + status(pid, "Threads") + ", Java heap used "
                    + status.path("heap_used_bytes").asLong() / (1 << 20) + " of "
                    + status.path("heap_max_bytes").asLong() / (1 << 20) + " MB (load average " + loadAverage() + ")");
            out.println("    of which anonymous " + status(pid, "RssAnon") / 1024 + " MB, files " + status(pid, "RssFile")
                    / 1024 + " MB; " + heapCommitted(pid));
            nativeMemory(pid).forEach(line -> out.println("    " + line));
            try {
                LiveHeap live = LiveHeap.of(pid, HISTOGRAM_TOP);
                out.printf(Locale.ROOT, "    live heap (jcmd GC.class_histogram): %d MB, %d B per session%n",
                        live.bytes() >> 20, live.bytes() / total);
                live.largest().forEach(c -> out.printf(Locale.ROOT, "      %-60s %9d objects %5d MB %5d B/session%n",
                        c.className(), c.instances(), c.bytes() >> 20, c.bytes() / total));
            } catch (LabException e) {
                out.println("    live heap by class: unknown (" + e.getMessage() + ")");
            }
            out.println("goal: VmRSS <= " + RSS_GOAL_MB + " MB at 100,000 sessions: " + (total < 100_000
                    ? "not measured here (" + total + " sessions)" : rss / 1024 <= RSS_GOAL_MB ? "met" : "NOT met"));
            out.flush();
        }
    }

    /** Shenandoah's committed heap from {@code jcmd PID GC.heap_info}: how much of the RSS the heap may hold. */
    private static String heapCommitted(long pid) {
        CommandResult result = Shell.tryRun(List.of("jcmd", Long.toString(pid), "GC.heap_info"));
        if (!result.ok()) {
            return "heap committed: unknown (jcmd: " + result.stderr().strip() + ")";
        }
        return result.stdout().lines().filter(l -> l.contains("committed")).map(String::strip)
                .reduce((a, b) -> a + "; " + b).orElse("heap committed: not in jcmd's answer");
    }

    /**
     * The largest committed categories of the JVM's native memory tracking, when the agent runs with it
     * ({@code SACIP_AGENT_JAVA_OPTIONS=-XX:NativeMemoryTracking=summary}); otherwise a line saying how to get them.
     */
    private static List<String> nativeMemory(long pid) {
        CommandResult result = Shell.tryRun(List.of("jcmd", Long.toString(pid), "VM.native_memory", "summary"));
        if (!result.ok() || !result.stdout().contains("committed=")) {
            return List.of("native memory by category: run with SACIP_AGENT_JAVA_OPTIONS="
                    + "-XX:NativeMemoryTracking=summary to see it");
        }
        Pattern category = Pattern.compile("^-\\s*(.+?) \\(reserved=\\d+KB, committed=(\\d+)KB\\)");
        List<String> lines = new ArrayList<>();
        result.stdout().lines().map(String::strip).map(category::matcher).filter(Matcher::find)
                .sorted((x, y) -> Long.compare(Long.parseLong(y.group(2)), Long.parseLong(x.group(2)))).limit(8)
                .forEach(m -> lines.add(String.format("native memory (NMT, committed): %-22s %6d MB", m.group(1),
                        Long.parseLong(m.group(2)) / 1024)));
        result.stdout().lines().filter(l -> l.startsWith("Total:")).findFirst()
                .ifPresent(total -> lines.add(0, "native memory (NMT): " + total.strip()));
        return lines;
    }

    /** "written at exit", "used" or "none": what the launcher did with the class-data archive, from the cmdline. */
    private static String archiveUse(long pid) {
        String cmdline = read(Path.of("/proc", Long.toString(pid), "cmdline")).replace('\0', ' ');
        return cmdline.contains("-XX:SharedArchiveFile=") ? "archive used"
                : cmdline.contains("-XX:ArchiveClassesAtExit=") ? "archive written at exit" : "no archive";
    }

    /** A number field of /proc/PID/status (kB for the Vm* fields). */
    private static long status(long pid, String field) {
        for (String line : read(Path.of("/proc", Long.toString(pid), "status")).split("\n")) {
            if (line.startsWith(field + ":")) {
                return Long.parseLong(line.substring(field.length() + 1).trim().split("\\s+")[0]);
            }
        }
        throw new LabException("no " + field + " in /proc/" + pid + "/status");
    }

    private static String loadAverage() {
        String[] fields = read(Path.of("/proc/loadavg")).split(" ");
        return fields[0] + " " + fields[1] + " " + fields[2];
    }

    private static String read(Path file) {
        try {
            return new String(Files.readAllBytes(file), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new LabException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }
}
