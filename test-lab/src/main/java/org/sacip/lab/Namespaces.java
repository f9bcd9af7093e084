package org.sacip.lab;

import java.util.ArrayList;
import java.util.List;
import org.sacip.commands.CommandResult;

/** Host-level view of network namespaces: listing them and removing one with whatever still runs inside. */
public final class Namespaces {
    private Namespaces() {
    }

    public static List<String> list() {
        List<String> names = new ArrayList<>();
        for (String line : Shell.run("ip", "netns", "list").split("\n")) {
            String trimmed = line.strip();
            if (!trimmed.isEmpty()) {
                // "ip netns list" prints "name (id: N)" once the namespace has an id.
                names.add(trimmed.split("\\s+")[0]);
            }
        }
        return names;
    }

    /**
     * Kills the processes left inside (a namespace lives on while a process holds it) and deletes the namespace,
     * which takes its veths, addresses, routes and nft tables with it. Best effort: cleanup must go on.
     */
    public static void remove(String ns) {
        CommandResult pids = Shell.tryRun(List.of("ip", "netns", "pids", ns));
        if (pids.ok()) {
            for (String pid : pids.stdout().split("\\s+")) {
                if (!pid.isBlank()) {
                    ProcessHandle.of(Long.parseLong(pid)).ifPresent(ProcessHandle::destroyForcibly);
                }
            }
        }
        CommandResult result = Shell.tryRun(List.of("ip", "netns", "del", ns));
        if (!result.ok() && list().contains(ns)) {
            System.err.println("sacip-lab: cannot delete namespace " + ns + ": " + result.stderr().strip());
        }
    }
}
