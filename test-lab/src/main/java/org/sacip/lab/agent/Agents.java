package org.sacip.lab.agent;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.sacip.commands.CommandResult;
import org.sacip.lab.Lab;
import org.sacip.lab.LabException;
import org.sacip.lab.Shell;
import org.sacip.testing.AgentProcess;
import org.sacip.testing.AgentProcessException;

/**
 * Starts bin/sacip-agent in the hosts that should have one, when that file exists:
 * {@code ip netns exec NS bin/sacip-agent --control-socket /run/sacip-lab/NS/control.sock --state-dir /run/sacip-lab/NS}
 * ({@link AgentLauncher#plain}), or another launcher per host (such as {@link SandboxedAgent}).
 * Stopped (SIGTERM, then SIGKILL after 5 s) at teardown, before the namespaces go.
 */
public final class Agents implements AutoCloseable {
    static final Path RUN_DIR = Path.of("/run/sacip-lab");
    private static final Duration START_LIMIT = Duration.ofSeconds(30);
    private static final Duration STOP_LIMIT = Duration.ofSeconds(5);
    private static final Duration JFR_STOP_LIMIT = Duration.ofSeconds(60);
    private static final Duration KILL_LIMIT = Duration.ofSeconds(5);

    private final Lab lab;
    private final Path root;
    /** Per host, when it is not started the plain way. */
    private final Map<String, AgentLauncher> launchers;
    private final Map<String, AgentDirectories> directories = new LinkedHashMap<>();
    private final Map<String, AgentProcess> running = new LinkedHashMap<>();
    /** Every host an agent was started in, killed ones too: their logs and state dirs go at teardown. */
    private final Set<String> started = new LinkedHashSet<>();
    /** Per host: from starting the launcher to the first answer on the control socket, in µs. */
    private final Map<String, Long> readyMicros = new LinkedHashMap<>();
    /** Whether an agent was started with a JFR recording (written at exit, which takes a while). */
    private boolean recording;
    private final String note;

    private Agents(Lab lab, Path root, Map<String, AgentLauncher> launchers, String note) {
        this.lab = lab;
        this.root = root;
        this.launchers = Map.copyOf(launchers);
        this.note = note;
    }

    public static Path agentBinary(Path root) {
        return root.resolve("bin/sacip-agent");
    }

    public static boolean available(Path root) {
        return Files.isExecutable(agentBinary(root));
    }

    /** Agents for the given hosts if the agent exists; otherwise none, with a note saying so. */
    public static Agents startIfPresent(Lab lab, Path root, List<String> hosts) {
        if (!available(root)) {
            return new Agents(lab, root, Map.of(), "no agent: " + agentBinary(root) + " does not exist yet, so this run "
                    + "has none");
        }
        return start(lab, root, hosts, Map.of());
    }

    /**
     * Agents for the given hosts, those named in {@code launchers} started by their launcher (a sandboxed agent, an
     * installed one), the others plainly; fails when an agent does not start.
     */
    public static Agents start(Lab lab, Path root, List<String> hosts, Map<String, AgentLauncher> launchers) {
        List<String> described = new ArrayList<>();
        for (String host : hosts) {
            AgentLauncher launcher = launchers.get(host);
            described.add(launcher == null ? host : host + " (" + launcher + ")");
        }
        Agents agents = new Agents(lab, root, launchers, "agents running in " + String.join(", ", described));
        lab.onTeardown(agents);
        for (String host : hosts) {
            agents.start(host);
        }
        return agents;
    }

    /** A run that was asked to go without agents. */
    public static Agents none(Lab lab, String why) {
        return new Agents(lab, ProjectRoot.find(), Map.of(), why);
    }

    public boolean running() {
        return !running.isEmpty();
    }

    public String note() {
        return note;
    }

    private AgentLauncher launcher(String host) {
        return launchers.getOrDefault(host, AgentLauncher.plain(root));
    }

    /** The host's agent's directories (where they would be before it was started). */
    public AgentDirectories directories(String host) {
        AgentDirectories known = directories.get(host);
        if (known != null) {
            return known;
        }
        Path plain = RUN_DIR.resolve(lab.ns(host));
        return new AgentDirectories(plain, plain, plain);
    }

    private void start(String host) {
        AgentLauncher launcher = launcher(host);
        AgentDirectories dirs = launcher.prepare(lab.ns(host));
        directories.put(host, dirs);
        List<String> arguments = new ArrayList<>();
        String level = System.getenv("SACIP_LAB_AGENT_LOG_LEVEL");
        if (level != null && !level.isBlank()) {
            arguments.addAll(List.of("--log-level", level));
        }
        // Appended: after a restart the log holds both lives of the agent.
        recording |= AgentJfr.directory().isPresent();
        long startNanos = System.nanoTime();
        AgentProcess agent = AgentProcess.start(lab.ns(host), launcher.command(lab.ns(host), dirs), dirs.socket(),
                dirs.state(), dirs.log(), arguments);
        running.put(host, agent);
        started.add(host);
        try {
            // Answering, not merely present: a killed agent leaves its socket file behind.
            agent.awaitReady(START_LIMIT);
            readyMicros.put(host, (System.nanoTime() - startNanos) / 1000);
        } catch (AgentProcessException e) {
            throw new LabException("the agent in " + host + " did not start: " + e.getMessage(), e);
        }
    }

    /** Whether the host's agent runs and has agreed a key with at least one peer. */
    public boolean keyAgreed(String host) {
        if (!running.containsKey(host)) {
            return false;
        }
        try {
            return control(host).peers().stream().anyMatch(AgentPeer::keyAgreed);
        } catch (LabException noAnswerYet) {
            return false;
        }
    }

    /**
     * From starting {@code ip netns exec NS bin/sacip-agent} to its first answer to {@code version} on the control
     * socket, in µs (the last start in that host). Polled every few ms, so a few ms late at most.
     */
    public long startToReadyMicros(String host) {
        Long micros = readyMicros.get(host);
        if (micros == null) {
            throw new LabException("no agent was started in " + host);
        }
        return micros;
    }

    /** Whether an agent runs in the host now (not killed). */
    public boolean runningIn(String host) {
        return running.containsKey(host);
    }

    /** The pid of the host's running agent: its JVM, since ip netns exec and bin/sacip-agent exec their successor. */
    public long pid(String host) {
        AgentProcess agent = running.get(host);
        if (agent == null) {
            throw new LabException("no agent is running in " + host);
        }
        return agent.pid();
    }

    /** The control socket of the host's agent. */
    public AgentControl control(String host) {
        return new AgentControl(directories(host).socket());
    }

    /**
     * SIGKILL, as a crash would: no shutdown hook, nothing cleaned up, state dir and socket file left behind.
     * ip netns exec execs the launcher, which execs java, so the process we started is the agent's JVM itself.
     */
    public void killHard(String host) {
        AgentProcess agent = running.remove(host);
        if (agent == null) {
            throw new LabException("no agent is running in " + host);
        }
        try {
            agent.kill(KILL_LIMIT);
        } catch (AgentProcessException e) {
            throw new LabException("the agent in " + host + " did not die: " + e.getMessage(), e);
        }
    }

    /**
     * SIGTERM, as systemd stops a service: the agent shuts down cleanly and leaves its kernel state and saved state in
     * place (for the next start, or for the package's removal to take out). Returns the exit status; fails when the
     * agent is still running after {@code limit} (it is killed then).
     */
    public int stop(String host, Duration limit) {
        AgentProcess agent = running.remove(host);
        if (agent == null) {
            throw new LabException("no agent is running in " + host);
        }
        try {
            return agent.stop(limit);
        } catch (AgentProcessException e) {
            throw new LabException("the agent in " + host + " did not stop on SIGTERM: " + e.getMessage(), e);
        } finally {
            agent.close();
        }
    }

    /** Starts the host's agent again with the same socket and state dir; returns once it answers. */
    public void restart(String host) {
        if (running.containsKey(host)) {
            throw new LabException("the agent in " + host + " is still running");
        }
        start(host);
    }

    /** Output of {@code sacipctl sessions} in the host, or null when sacipctl or the agent is not there. */
    public String sessions(String host) {
        Path ctl = root.resolve("bin/sacipctl");
        if (!running.containsKey(host) || !Files.isExecutable(ctl)) {
            return null;
        }
        CommandResult result = Shell.tryRun(lab.inHost(host, List.of(ctl.toString(), "--control-socket",
                control(host).socket().toString(), "sessions")));
        return result.ok() ? result.stdout() : "sacipctl failed: " + result.stderr().strip();
    }

    /** The end of the host's agent log (both lives after a restart), for failure messages. */
    public String logTail(String host) {
        try {
            String log = Files.readString(directories(host).log()).strip();
            return log.substring(Math.max(0, log.length() - 600));
        } catch (IOException e) {
            return "(no log)";
        }
    }

    /** The lines of the host's agent log (both lives after a restart) that contain {@code text}, for reports. */
    public List<String> logLines(String host, String text) {
        try {
            return Files.readAllLines(directories(host).log()).stream()
                    .filter(line -> line.contains(text)).toList();
        } catch (IOException e) {
            return List.of("(no log: " + e.getMessage() + ")");
        }
    }

    @Override
    public void close() {
        for (String host : new ArrayList<>(running.keySet())) {
            AgentProcess agent = running.remove(host);
            try {
                // A JFR recording is written at exit: give it time before the SIGKILL.
                agent.stop(recording ? JFR_STOP_LIMIT : STOP_LIMIT);
            } catch (AgentProcessException e) {
                // Already killed by stop(); teardown goes on with the other agents and the namespaces.
                System.err.println("sacip-lab: " + e.getMessage().lines().findFirst().orElse(""));
            } finally {
                agent.close();
            }
        }
        for (String host : started) {
            keepLog(host);
            Shell.tryRun(List.of("rm", "-rf", directories(host).base().toString()));
        }
        started.clear();
    }

    /** With SACIP_LAB_KEEP_LOGS=DIR set, each agent's log is kept there (for debugging a failed scenario). */
    private void keepLog(String host) {
        String keep = System.getenv("SACIP_LAB_KEEP_LOGS");
        if (keep == null || keep.isBlank()) {
            return;
        }
        try {
            Path dir = Files.createDirectories(Path.of(keep));
            Files.copy(directories(host).log(), dir.resolve(lab.ns(host) + ".log"),
                    java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            // Only a debugging aid: a missing log is not a failure of the run.
        }
    }

    @Override
    public String toString() {
        return "agents " + running.keySet();
    }
}
