package org.sacip.lab.cli;

import java.util.List;
import java.util.concurrent.Callable;
import org.sacip.lab.Leftovers;
import org.sacip.lab.Shell;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * Stops labs started with {@code up} (SIGTERM: their own shutdown hook tears them down) and removes namespaces left
 * by runs whose owner process is dead. A live run that was not started with {@code up} (a test, a demo) is never
 * touched.
 */
@Command(name = "down", mixinStandardHelpOptions = true,
        description = "Stop labs started with 'up' and remove what dead runs left behind.")
public final class DownCommand implements Callable<Integer> {
    private static final long STOP_LIMIT_MS = 20_000;

    @Option(names = "--lab", paramLabel = "PID", description = "stop only the 'up' lab of this owner pid")
    Long labPid;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws InterruptedException {
        var out = spec.commandLine().getOut();
        List<Long> live = RunDir.liveUpLabs();
        if (labPid != null && !live.contains(labPid)) {
            throw new UsageException("no lab of process " + labPid + " is up (up: " + live + ")");
        }
        for (long pid : live) {
            if (labPid != null && pid != labPid) {
                continue;
            }
            out.println("stopping the lab of process " + pid);
            ProcessHandle.of(pid).ifPresent(ProcessHandle::destroy);
            long deadline = System.currentTimeMillis() + STOP_LIMIT_MS;
            while (Leftovers.ownerAlive(pid) && System.currentTimeMillis() < deadline) {
                Thread.sleep(100);
            }
        }
        for (long pid : RunDir.markedPids()) {
            if (!Leftovers.ownerAlive(pid)) {
                RunDir.unmark(pid);
            }
        }
        List<String> removed = Leftovers.removeDeadOwners();
        for (String ns : removed) {
            out.println("removed leftover namespace " + ns);
            Shell.tryRun(List.of("rm", "-rf", RunDir.DIR.resolve(ns).toString()));
        }
        if (removed.isEmpty()) {
            out.println("no leftovers from dead runs");
        }
        out.flush();
        return 0;
    }
}
