package org.sacip.lab.agent;

import java.nio.file.Path;

/**
 * Where a lab agent keeps its files: {@code runtime} holds its control socket (the unit's RuntimeDirectory),
 * {@code state} its saved state (StateDirectory); {@code base} holds both (or is both) and the agent's log, and goes
 * at teardown.
 */
public record AgentDirectories(Path base, Path runtime, Path state) {
    /** The agent's control socket. */
    public Path socket() {
        return runtime.resolve("control.sock");
    }

    /** The agent's standard output and error, appended to by the lab (both lives of a restarted agent). */
    public Path log() {
        return base.resolve("agent.log");
    }
}
