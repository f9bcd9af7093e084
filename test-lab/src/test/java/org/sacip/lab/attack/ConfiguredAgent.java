package org.sacip.lab.attack;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.sacip.lab.Lab;
import org.sacip.lab.LabException;
import org.sacip.lab.Shell;
import org.sacip.lab.agent.AgentControl;
import org.sacip.lab.agent.Agents;
import org.sacip.lab.agent.ProjectRoot;
import org.sacip.testing.AgentProcess;
import org.sacip.testing.AgentProcessException;

/**
 * bin/sacip-agent started in one lab host with a config file, which the lab's {@link Agents} does not offer: an
 * {@link AgentProcess} with {@code --config FILE}, its socket and state directory where Agents would put them
 * ({@code /run/sacip-lab/NS}). Stopped before the lab's namespaces go, its state directory removed.
 */
final class ConfiguredAgent implements AutoCloseable {
    private static final Path RUN_DIR = Path.of("/run/sacip-lab");
    private static final Duration START_LIMIT = Duration.ofSeconds(30);
    private static final Duration STOP_LIMIT = Duration.ofSeconds(5);

    private final AgentProcess process;
    private final Path stateDir;

    private ConfiguredAgent(AgentProcess process, Path stateDir) {
        this.process = process;
        this.stateDir = stateDir;
    }

    /** Starts the agent with {@code config} as its config file; a LabException with its log if it does not answer. */
    static ConfiguredAgent start(Lab lab, String host, String config) {
        Path stateDir = RUN_DIR.resolve(lab.ns(host));
        Path configFile = stateDir.resolve("agent.conf");
        try {
            Files.createDirectories(stateDir);
            Files.writeString(configFile, config);
        } catch (IOException e) {
            throw new LabException("cannot write the agent's config in " + stateDir + ": " + e.getMessage(), e);
        }
        AgentProcess process = AgentProcess.start(lab.ns(host), List.of(Agents.agentBinary(ProjectRoot.find())
                .toString()), stateDir.resolve("control.sock"), stateDir, stateDir.resolve("agent.log"),
                List.of("--config", configFile.toString()));
        ConfiguredAgent agent = new ConfiguredAgent(process, stateDir);
        lab.onTeardown(agent);
        try {
            process.awaitReady(START_LIMIT);
        } catch (AgentProcessException e) {
            throw new LabException("the agent in " + host + " (with the config file \"" + config.strip()
                    + "\") did not start: " + e.getMessage(), e);
        }
        return agent;
    }

    AgentControl control() {
        return new AgentControl(process.socket());
    }

    @Override
    public void close() {
        try {
            process.stop(STOP_LIMIT);
        } catch (AgentProcessException e) {
            // stop() killed it; teardown goes on.
            System.err.println("sacip-lab: " + e.getMessage().lines().findFirst().orElse(""));
        } finally {
            process.close();
            Shell.tryRun(List.of("rm", "-rf", stateDir.toString()));
        }
    }
}
