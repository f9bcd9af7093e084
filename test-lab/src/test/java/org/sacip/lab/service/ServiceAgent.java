package org.sacip.lab.service;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.sacip.lab.Lab;
import org.sacip.lab.LabException;
import org.sacip.lab.Shell;
import org.sacip.lab.agent.AgentControl;
import org.sacip.lab.agent.AgentPeer;
import org.sacip.lab.agent.Agents;
import org.sacip.lab.agent.ProjectRoot;
import org.sacip.testing.AgentProcess;
import org.sacip.testing.Eventually;

/**
 * bin/sacip-agent in one lab host as a service manager runs it: with a config file ({@code --config}) and the
 * environment systemd gives a service (NOTIFY_SOCKET, JOURNAL_STREAM), its socket, state directory and config where
 * the lab's {@link Agents} would put them ({@code /run/sacip-lab/NS}), its stdout and stderr appended to {@code
 * agent.log} there. Returns at once: a test waits for READY=1 or the control socket as it needs. Stopped before the
 * lab's namespaces go, its directory removed.
 */
final class ServiceAgent implements AutoCloseable {
    private static final Path RUN_DIR = Path.of("/run/sacip-lab");
    static final Duration STOP_LIMIT = Duration.ofSeconds(10);
    private static final Duration KEYS_LIMIT = Duration.ofSeconds(30);

    private final AgentProcess process;
    private final Path dir;

    private ServiceAgent(AgentProcess process, Path dir) {
        this.process = process;
        this.dir = dir;
    }

    static ServiceAgent start(Lab lab, String host, String config, Map<String, String> environment) {
        Path dir = RUN_DIR.resolve(lab.ns(host));
        try {
            Files.createDirectories(dir);
            Files.writeString(dir.resolve("agent.conf"), config, StandardCharsets.UTF_8);
            // Made now, so a test can name its inode before the agent writes a line (JOURNAL_STREAM).
            Files.writeString(dir.resolve("agent.log"), "");
        } catch (IOException e) {
            throw new LabException("cannot prepare the agent's directory " + dir + ": " + e.getMessage(), e);
        }
        AgentProcess process = AgentProcess.start(lab.ns(host), List.of(Agents.agentBinary(ProjectRoot.find())
                .toString()), dir.resolve("control.sock"), dir, dir.resolve("agent.log"),
                List.of("--config", dir.resolve("agent.conf").toString()), environment);
        ServiceAgent agent = new ServiceAgent(process, dir);
        lab.onTeardown(agent);
        return agent;
    }

    /** Where the agent's output goes: known before it starts, so JOURNAL_STREAM can name it. */
    static Path logOf(Lab lab, String host) {
        return RUN_DIR.resolve(lab.ns(host)).resolve("agent.log");
    }

    Path config() {
        return dir.resolve("agent.conf");
    }

    Path log() {
        return process.log();
    }

    long pid() {
        return process.pid();
    }

    boolean alive() {
        return process.isAlive();
    }

    AgentControl control() {
        return new AgentControl(process.socket());
    }

    AgentProcess process() {
        return process;
    }

    /** Replaces the config file (what {@code systemctl reload} then makes the agent read). */
    void writeConfig(String text) throws IOException {
        Files.writeString(config(), text, StandardCharsets.UTF_8);
    }

    void writeConfig(byte[] bytes) throws IOException {
        Files.write(config(), bytes);
    }

    /** What {@code systemctl reload} does with ExecReload=kill -HUP $MAINPID, or Type=notify-reload. */
    void reload() {
        Shell.run("kill", "-HUP", Long.toString(pid()));
    }

    List<String> logLines() throws IOException {
        return Files.readAllLines(log(), StandardCharsets.UTF_8);
    }

    /** Waits until the agent has agreed a key with a peer and bound a session to it (a move now carries it). */
    void awaitKeyAgreed() {
        Eventually.await(KEYS_LIMIT, () -> control().peers().stream().anyMatch(AgentPeer::keyAgreed),
                () -> "a key agreed with a peer; the agent's log:\n" + process.logTail());
    }

    /** Waits until the log has a line containing {@code text}; returns that line. */
    String awaitLogLine(String text, Duration limit) {
        return Eventually.await(limit, () -> {
            try {
                return logLines().stream().filter(line -> line.contains(text)).findFirst().orElse(null);
            } catch (IOException e) {
                return null;
            }
        }, line -> line != null, () -> "a line with '" + text + "' in " + log() + "; its end:\n" + process.logTail());
    }

    @Override
    public void close() {
        try {
            if (process.isAlive()) {
                process.stop(STOP_LIMIT);
            }
        } catch (RuntimeException e) {
            // stop() killed it; teardown goes on.
            System.err.println("sacip-lab: " + e.getMessage().lines().findFirst().orElse(""));
        } finally {
            process.close();
            Shell.tryRun(List.of("rm", "-rf", dir.toString()));
        }
    }

    @Override
    public String toString() {
        return "service agent " + process;
    }
}
