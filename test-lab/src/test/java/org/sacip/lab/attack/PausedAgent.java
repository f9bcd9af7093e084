package org.sacip.lab.attack;

import org.sacip.lab.Lab;
import org.sacip.lab.Shell;
import org.sacip.lab.agent.Agents;

/**
 * A lab host's agent stopped with SIGSTOP until {@link #resume}: the kernel keeps forwarding and accepting, the agent
 * answers nothing, and what reaches it waits in its capture buffer. The lab's links answer in microseconds; a paused
 * agent stands for a peer that answers late, as one across a real path does. Resumed at teardown at the latest.
 */
final class PausedAgent implements AutoCloseable {
    private final String host;
    private final long pid;
    private boolean paused = true;

    private PausedAgent(String host, long pid) {
        this.host = host;
        this.pid = pid;
    }

    static PausedAgent pause(Lab lab, Agents agents, String host) {
        long pid = agents.pid(host);
        Shell.run("kill", "-STOP", Long.toString(pid));
        PausedAgent agent = new PausedAgent(host, pid);
        lab.onTeardown(agent);
        return agent;
    }

    synchronized void resume() {
        if (paused) {
            Shell.run("kill", "-CONT", Long.toString(pid));
            paused = false;
        }
    }

    @Override
    public void close() {
        resume();
    }

    @Override
    public String toString() {
        return "paused agent in " + host + " (pid " + pid + ")";
    }
}
