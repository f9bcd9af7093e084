package org.sacip.lab;

import java.util.ArrayList;
import java.util.List;

/** Finds and removes what lab runs whose owner process is gone left behind; a live owner's namespaces stay. */
public final class Leftovers {
    private Leftovers() {
    }

    /** Removes every lab namespace whose owner pid is dead and returns their names. */
    public static List<String> removeDeadOwners() {
        List<String> removed = new ArrayList<>();
        for (String name : Namespaces.list()) {
            LabNames.parse(name).ifPresent(labNs -> {
                if (!ownerAlive(labNs.ownerPid())) {
                    Namespaces.remove(name);
                    removed.add(name);
                }
            });
        }
        return removed;
    }

    /** The lab namespaces that belong to the given owner. */
    public static List<LabNames.LabNamespace> ownedBy(long ownerPid) {
        List<LabNames.LabNamespace> owned = new ArrayList<>();
        for (String name : Namespaces.list()) {
            LabNames.parse(name).filter(ns -> ns.ownerPid() == ownerPid).ifPresent(owned::add);
        }
        return owned;
    }

    public static boolean ownerAlive(long pid) {
        return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    }
}
