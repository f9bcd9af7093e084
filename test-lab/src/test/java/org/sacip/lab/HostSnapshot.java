package org.sacip.lab;

import java.util.ArrayList;
import java.util.List;

/** What the host namespace shows of the lab: namespaces, links, lab addresses, nft tables. Taken before and after. */
record HostSnapshot(List<String> labNamespaces, String links, List<String> labAddresses, String nftTables) {
    static HostSnapshot take(long ownerPid) {
        List<String> namespaces = new ArrayList<>();
        for (String ns : Namespaces.list()) {
            if (LabNames.parse(ns).map(n -> n.ownerPid() == ownerPid).orElse(false)) {
                namespaces.add(ns);
            }
        }
        List<String> addresses = new ArrayList<>();
        for (String line : Shell.run("ip", "-o", "addr").split("\n")) {
            // The lab's ranges, and so any ghost address the lab or an agent might have left on the host's lo.
            if (line.contains(" 198.18.") || line.contains(" 198.19.") || line.contains(" 2001:db8:")) {
                addresses.add(line.strip());
            }
        }
        return new HostSnapshot(namespaces, Shell.run("ip", "-o", "link"), addresses, Shell.run("nft", "list", "tables"));
    }
}
