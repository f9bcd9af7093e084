package org.sacip.lab;

import java.util.List;

/** Which nft tables a lab host has. */
final class HostTables {
    private HostTables() {
    }

    static boolean has(Lab lab, String host, String family, String table) {
        return Shell.tryRun(lab.inHost(host, List.of("nft", "list", "table", family, table))).ok();
    }
}
