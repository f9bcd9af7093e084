package org.sacip.agent.peer.protocol;

import org.sacip.protocol.message.Octets;
import org.sacip.protocol.message.UdpEndpoint;
import org.sacip.protocol.tunnel.TunnelKeys;
import org.sacip.protocol.tunnel.TunnelRole;

/**
 * Where the engine hands the keys of a lineage's tunnel (PROTOCOL.md 15) to the data plane that carries sessions
 * through it. Called on the engine thread; implementations must not block.
 */
public interface TunnelPort {
    /** No data plane: the agent carries nothing, and a move behind a NAT is not followed. */
    TunnelPort NONE = new TunnelPort() {
        @Override
        public boolean available() {
            return false;
        }

        @Override
        public void start(Octets lineage, TunnelKeys keys, TunnelRole role, UdpEndpoint local, UdpEndpoint peer) {
        }

        @Override
        public void path(Octets lineage, UdpEndpoint local, UdpEndpoint peer) {
        }

        @Override
        public void stop(Octets lineage) {
        }
    };

    /** Whether sessions can be carried at all (the tunnel device is up). */
    boolean available();

    /**
     * The lineage's tunnel has (new) keys: this host seals with {@code role}; datagrams go from {@code local} to
     * {@code peer}. An opener's data plane sends an empty datagram at once, which confirms the tunnel to the
     * accepter.
     */
    void start(Octets lineage, TunnelKeys keys, TunnelRole role, UdpEndpoint local, UdpEndpoint peer);

    /** The lineage's path moved (13.5): datagrams go there now. */
    void path(Octets lineage, UdpEndpoint local, UdpEndpoint peer);

    /** The lineage is gone: so is its tunnel. */
    void stop(Octets lineage);

    /**
     * A key was agreed over UDP, the path a tunnel runs on, which a later move behind a NAT opens: the data plane
     * may get ready for it, without blocking the engine.
     */
    default void prepare() {
    }
}
