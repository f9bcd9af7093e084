package org.sacip.lab.agent;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.sacip.lab.LabException;

/**
 * The agent as root with every capability: {@code ip netns exec NS bin/sacip-agent --control-socket
 * /run/sacip-lab/NS/control.sock --state-dir /run/sacip-lab/NS}, its log next to them.
 */
record PlainAgentLauncher(Path agentBinary) implements AgentLauncher {
    @Override
    public AgentDirectories prepare(String namespace) {
        Path directory = Agents.RUN_DIR.resolve(namespace);
        try {
            Files.createDirectories(directory);
        } catch (IOException e) {
            throw new LabException("cannot create the agent's state directory " + directory + ": " + e.getMessage(), e);
        }
        return new AgentDirectories(directory, directory, directory);
    }

    @Override
    public List<String> command(String namespace, AgentDirectories directories) {
        return AgentJfr.launcher(agentBinary, namespace);
    }
}
