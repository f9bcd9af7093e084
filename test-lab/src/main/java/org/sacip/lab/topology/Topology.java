package org.sacip.lab.topology;

import java.util.List;
import java.util.Map;
import org.sacip.lab.Lab;

/** A built topology: the lab that holds it and each host's uplinks (index 0 is the one in use at the start). */
public record Topology(Lab lab, TopologyKind kind, Family family, Map<String, List<Uplink>> uplinks) {
    public Uplink uplink(String host, int index) {
        List<Uplink> list = uplinks.get(host);
        if (list == null || index < 0 || index >= list.size()) {
            throw new org.sacip.lab.LabException("host " + host + " has no uplink " + (index + 1) + " in " + kind.cliName());
        }
        return list.get(index);
    }

    public int uplinkCount(String host) {
        return uplinks.getOrDefault(host, List.of()).size();
    }
}
