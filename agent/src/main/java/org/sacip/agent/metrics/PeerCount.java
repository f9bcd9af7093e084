package org.sacip.agent.metrics;

import java.net.InetAddress;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.sacip.agent.peer.protocol.AssociationView;
import org.sacip.agent.peer.protocol.EngineView;
import org.sacip.agent.session.SessionTuple;

/**
 * Peer addresses by capability, from the engine's published view; each address is counted once, under what is best
 * known of it.
 */
final class PeerCount {
    /** How the engine's view names sessions whose peer our probes found without an agent. */
    static final String NO_AGENT = "no-agent";

    private PeerCount() {
    }

    static Map<PeerCapability, Long> of(EngineView view) {
        Set<InetAddress> speaking = new HashSet<>();
        for (AssociationView lineage : view.lineages()) {
            speaking.add(lineage.peerOriginal().toInetAddress());
        }
        Set<InetAddress> without = new HashSet<>();
        Set<InetAddress> unknown = new HashSet<>();
        for (Map.Entry<SessionTuple, String> entry : view.unbound().entrySet()) {
            InetAddress peer = entry.getKey().remote().address();
            if (!speaking.contains(peer)) {
                (NO_AGENT.equals(entry.getValue()) ? without : unknown).add(peer);
            }
        }
        unknown.removeAll(without);
        Map<PeerCapability, Long> counts = new EnumMap<>(PeerCapability.class);
        counts.put(PeerCapability.SACIP_V2, (long) speaking.size());
        counts.put(PeerCapability.NONE, (long) without.size());
        counts.put(PeerCapability.UNKNOWN, (long) unknown.size());
        return counts;
    }
}
