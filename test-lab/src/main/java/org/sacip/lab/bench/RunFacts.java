package org.sacip.lab.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.sacip.commands.CommandResult;
import org.sacip.lab.Shell;

/** The facts a report records about the run's machine and code: commit and dirty flag, kernel, JDK, CPUs, load. */
record RunFacts(String commit, boolean dirty, String kernel, String jdk, int cpus, String load) {
    static RunFacts of(Path root) {
        CommandResult head = Shell.tryRun(List.of("git", "-C", root.toString(), "rev-parse", "HEAD"));
        CommandResult status = Shell.tryRun(List.of("git", "-C", root.toString(), "status", "--porcelain",
                "--untracked-files=no"));
        String commit = head.ok() ? head.stdout().strip() : "unknown (not a git checkout)";
        boolean dirty = status.ok() && !status.stdout().isBlank();
        String kernel = Shell.run("uname", "-r").strip();
        String jdk = System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version");
        return new RunFacts(commit, dirty, kernel, jdk, Runtime.getRuntime().availableProcessors(), currentLoad());
    }

    /** The 1, 5 and 15 minute load averages (/proc/loadavg): a loaded machine makes figures incomparable. */
    static String currentLoad() {
        try {
            String[] fields = Files.readString(Path.of("/proc/loadavg")).split(" ");
            return fields[0] + " " + fields[1] + " " + fields[2];
        } catch (IOException e) {
            return "unknown";
        }
    }
}
