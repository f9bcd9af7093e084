package org.sacip.lab.bench;

import java.util.ArrayList;
import java.util.List;
import org.sacip.lab.Lab;
import org.sacip.lab.topology.Topology;
import org.sacip.lab.topology.TopologyBuilder;
import org.sacip.lab.topology.TopologyKind;
import org.sacip.lab.topology.Uplink;

/**
 * More addresses for B on its uplink in the roaming lab (198.18.10.2, the uplink's own, then .3, .4, ...): each is a
 * peer of its own for A's agent (a key of its own), all reachable through either of A's uplinks.
 */
final class PeerAddresses {
    private static final int PEER_SUBNET = 10;
    private static final int FIRST_PEER_HOST = 2;
    /** Host parts up to 254 in the /24; 1 is the router. */
    static final int MAX = 254 - FIRST_PEER_HOST + 1;

    private PeerAddresses() {
    }

    /** The first {@code count} peer addresses, B's own uplink address first; the others are added to B's uplink. */
    static List<String> add(Topology topology, int count) {
        if (topology.kind() != TopologyKind.ROAMING || count < 1 || count > MAX) {
            throw new IllegalArgumentException("peer addresses: 1.." + MAX + " in the roaming lab, not " + count
                    + " in " + topology.kind());
        }
        Lab lab = topology.lab();
        Uplink b = topology.uplink("b", 0);
        List<String> addresses = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            String address = topology.family().address(PEER_SUBNET, FIRST_PEER_HOST + i);
            if (!address.equals(b.address())) {
                lab.run("b", TopologyBuilder.addressCommand(topology.family(), "add", address + "/"
                        + b.prefixLength(), b.ifName()).toArray(String[]::new));
            }
            addresses.add(address);
        }
        return addresses;
    }

    /** How the report names the command that added them. */
    static String command(int count) {
        return "b: ip -4 addr add 198.18.10.N/24 dev up1   (N = 3.." + (FIRST_PEER_HOST + count - 1) + ")";
    }
}
