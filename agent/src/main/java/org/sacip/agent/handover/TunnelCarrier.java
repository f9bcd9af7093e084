package org.sacip.agent.handover;

import java.net.InetAddress;
import java.util.Set;
import org.sacip.agent.session.Endpoint;
import org.sacip.agent.session.SessionTuple;
import org.sacip.protocol.message.Octets;

/**
 * The tunnel data plane as the handover sees it (docs/DATAPATH.md, "Carrying sessions through a NAT"): which sessions
 * it may carry for which lineage, and the (ghost, peer) pairs whose packets this host routes into the tunnel. Called
 * on the handover thread.
 */
public interface TunnelCarrier {
    TunnelCarrier NONE = new TunnelCarrier() {
        @Override
        public void bound(SessionTuple session, Octets lineage, Endpoint peerInTunnel) {
        }

        @Override
        public void released(SessionTuple session) {
        }

        @Override
        public void pairs(Set<Pair> pairs) {
        }
    };

    /** A ghost address of ours and a peer whose sessions we carry from behind a NAT. */
    record Pair(InetAddress ghost, InetAddress peer) {
    }

    /**
     * {@code session} (our socket's tuple) is bound to {@code lineage}, which needs a tunnel: the data plane carries
     * its packets; inside the tunnel the peer's end is {@code peerInTunnel} (its own endpoint, which differs from the
     * socket's remote end where a NAT translated the peer).
     */
    void bound(SessionTuple session, Octets lineage, Endpoint peerInTunnel);

    /** The session ended or no longer needs a tunnel. */
    void released(SessionTuple session);

    /** The pairs whose sessions go through the tunnel from this host (it moved behind a NAT). */
    void pairs(Set<Pair> pairs);
}
