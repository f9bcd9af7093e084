package org.sacip.lab.attack;

import java.util.List;
import org.sacip.lab.Lab;
import org.sacip.lab.LabException;
import org.sacip.lab.Shell;

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

    static PausedAgent pause(Lab lab, String host) {
        long pid = agentPid(lab, host);
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

    /** The agent's JVM: the process whose command line names the host's control socket (the launcher execs java). */
    private static long agentPid(Lab lab, String host) {
        String socket = "/run/sacip-lab/" + lab.ns(host) + "/control.sock";
        List<Long> pids = ProcessHandle.allProcesses()
                .filter(p -> p.info().commandLine().map(c -> c.contains(socket) && c.contains("java")).orElse(false))
                .map(ProcessHandle::pid).toList();
        if (pids.size() != 1) {
            throw new LabException("expected one agent process for " + host + ", found " + pids);
        }
        return pids.get(0);
    }

    @Override
    public String toString() {
        return "paused agent in " + host + " (pid " + pid + ")";
    }
}
