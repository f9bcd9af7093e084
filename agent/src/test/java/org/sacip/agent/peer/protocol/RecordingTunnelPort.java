package org.sacip.agent.peer.protocol;

import java.util.ArrayList;
import java.util.List;
import org.sacip.protocol.message.Octets;
import org.sacip.protocol.message.UdpEndpoint;
import org.sacip.protocol.tunnel.TunnelKeys;
import org.sacip.protocol.tunnel.TunnelRole;

/** The engine's tunnel port in the engine tests: records the tunnels the engine starts, moves and stops. */
final class RecordingTunnelPort implements TunnelPort {
    record Started(Octets lineage, TunnelKeys keys, TunnelRole role, UdpEndpoint local, UdpEndpoint peer) {
    }

    final List<Started> started = new ArrayList<>();
    final List<UdpEndpoint> paths = new ArrayList<>();
    final List<Octets> stopped = new ArrayList<>();
    /** How often the engine told the data plane to get ready for a tunnel. */
    int prepared;

    @Override
    public boolean available() {
        return true;
    }

    @Override
    public void start(Octets lineage, TunnelKeys keys, TunnelRole role, UdpEndpoint local, UdpEndpoint peer) {
        started.add(new Started(lineage, keys, role, local, peer));
    }

    @Override
    public void path(Octets lineage, UdpEndpoint local, UdpEndpoint peer) {
        paths.add(peer);
    }

    @Override
    public void stop(Octets lineage) {
        stopped.add(lineage);
    }

    @Override
    public void prepare() {
        prepared++;
    }

    Started last() {
        if (started.isEmpty()) {
            throw new AssertionError("no tunnel started");
        }
        return started.get(started.size() - 1);
    }
}
