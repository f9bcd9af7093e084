package org.sacip.lab.attack;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.sacip.lab.Lab;
import org.sacip.lab.LabException;
import org.sacip.lab.Shell;
import org.sacip.lab.agent.AgentControl;
import org.sacip.lab.agent.Agents;
import org.sacip.lab.agent.ProjectRoot;

/**
 * bin/sacip-agent started in one lab host with a config file, which the lab's {@link Agents} does not offer:
 * {@code ip netns exec NS bin/sacip-agent --config FILE --control-socket /run/sacip-lab/NS/control.sock
 * --state-dir /run/sacip-lab/NS}. Ready once it answers on its socket; stopped with SIGTERM (SIGKILL after 5 s)
 * before the lab's namespaces go, its state directory removed.
 */
final class ConfiguredAgent implements AutoCloseable {
    private static final Path RUN_DIR = Path.of("/run/sacip-lab");
    private static final long START_LIMIT_MS = 15_000;

    private final Process process;
    private final Path stateDir;
    private final AgentControl control;

    private ConfiguredAgent(Process process, Path stateDir) {
        this.process = process;
        this.stateDir = stateDir;
        this.control = new AgentControl(stateDir.resolve("control.sock"));
    }

    /** Starts the agent with {@code config} as its config file; a LabException with its log if it does not answer. */
    static ConfiguredAgent start(Lab lab, String host, String config) {
        Path stateDir = RUN_DIR.resolve(lab.ns(host));
        try {
            Files.createDirectories(stateDir);
            Path configFile = stateDir.resolve("agent.conf");
            Files.writeString(configFile, config);
            List<String> command = List.of(Agents.agentBinary(ProjectRoot.find()).toString(), "--config",
                    configFile.toString(), "--control-socket", stateDir.resolve("control.sock").toString(),
                    "--state-dir", stateDir.toString());
            Process process = new ProcessBuilder(lab.inHost(host, command)).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(stateDir.resolve("agent.log").toFile()))
                    .start();
            ConfiguredAgent agent = new ConfiguredAgent(process, stateDir);
            lab.onTeardown(agent);
            agent.awaitAnswer(host);
            return agent;
        } catch (IOException e) {
            throw new LabException("cannot start the agent in " + host + ": " + e.getMessage(), e);
        }
    }

    private void awaitAnswer(String host) {
        long deadline = System.currentTimeMillis() + START_LIMIT_MS;
        while (!(Files.exists(control.socket()) && control.answers())) {
            if (!process.isAlive() || System.currentTimeMillis() > deadline) {
                throw new LabException("the agent in " + host + " (with its config file) did not answer on "
                        + control.socket() + (process.isAlive() ? "" : ", exit status " + process.exitValue())
                        + ": " + logTail());
            }
            Waits.pause(50);
        }
    }

    AgentControl control() {
        return control;
    }

    String logTail() {
        try {
            String log = Files.readString(stateDir.resolve("agent.log")).strip();
            return log.substring(Math.max(0, log.length() - 600));
        } catch (IOException e) {
            return "(no log)";
        }
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
        Shell.tryRun(List.of("rm", "-rf", stateDir.toString()));
    }
}
