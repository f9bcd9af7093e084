package org.sacip.lab.agent;

import java.nio.file.Path;
import java.util.List;

/**
 * How the lab starts an agent in a host: the directories it gets and the command in front of its
 * {@code --control-socket SOCKET --state-dir DIR} arguments (run inside the host's namespace, every program on the
 * way exec'ing the next, so the process is the agent's JVM).
 */
public interface AgentLauncher {
    /**
     * Makes the host's directories ready for its agent and returns them. Called again when the agent restarts, so
     * what an earlier life saved stays.
     */
    AgentDirectories prepare(String namespace);

    /** The program and its leading arguments; the agent's own arguments follow. */
    List<String> command(String namespace, AgentDirectories directories);

    /** The launcher's agent program (bin/sacip-agent, /usr/bin/sacip-agent). */
    Path agentBinary();

    /** bin/sacip-agent of the checkout as root, everything under /run/sacip-lab/NS (with a JFR recording if asked). */
    static AgentLauncher plain(Path projectRoot) {
        return new PlainAgentLauncher(Agents.agentBinary(projectRoot));
    }
}
