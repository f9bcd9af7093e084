package org.sacip.lab.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.sacip.lab.LabException;
import org.sacip.lab.Leftovers;

/**
 * Marks hands-on labs started with {@code up}: /run/sacip-lab/up-PID holds the topology. {@code exec} finds the lab
 * there, and {@code down} may stop it (SIGTERM to its owner, whose shutdown hook tears it down).
 */
public final class RunDir {
    static final Path DIR = Path.of("/run/sacip-lab");

    private RunDir() {
    }

    public static Path mark(long pid, String description) {
        try {
            Files.createDirectories(DIR);
            Path marker = DIR.resolve("up-" + pid);
            Files.writeString(marker, description + "\n");
            return marker;
        } catch (IOException e) {
            throw new LabException("cannot write " + DIR + ": " + e.getMessage(), e);
        }
    }

    /** Owner pids of the labs marked as up, live or not. */
    public static List<Long> markedPids() {
        List<Long> pids = new ArrayList<>();
        if (!Files.isDirectory(DIR)) {
            return pids;
        }
        try (Stream<Path> files = Files.list(DIR)) {
            files.map(p -> p.getFileName().toString())
                    .filter(n -> n.matches("up-\\d{1,10}"))
                    .forEach(n -> pids.add(Long.parseLong(n.substring(3))));
        } catch (IOException e) {
            throw new LabException("cannot read " + DIR + ": " + e.getMessage(), e);
        }
        return pids;
    }

    /** Live up-labs: the marker's pid runs, and is a JVM running the lab (not a recycled pid). */
    public static List<Long> liveUpLabs() {
        List<Long> live = new ArrayList<>();
        for (long pid : markedPids()) {
            if (Leftovers.ownerAlive(pid) && runsLab(pid)) {
                live.add(pid);
            }
        }
        return live;
    }

    private static boolean runsLab(long pid) {
        try {
            String cmdline = Files.readString(Path.of("/proc/" + pid + "/cmdline"));
            return cmdline.contains("org.sacip.lab");
        } catch (IOException e) {
            return false;
        }
    }

    public static void unmark(long pid) {
        try {
            Files.deleteIfExists(DIR.resolve("up-" + pid));
        } catch (IOException e) {
            System.err.println("sacip-lab: cannot remove marker of " + pid + ": " + e.getMessage());
        }
    }
}
