package org.sacip.agent.handover;

import java.util.Set;
import org.sacip.agent.session.Endpoint;
import org.sacip.agent.session.SessionTuple;
import org.sacip.protocol.message.Octets;

/**
 * The tunnel data plane as the handover sees it (docs/DATAPATH.md, "Carrying sessions through a NAT"): which sessions
 * it may carry for which lineage, and the carried TCP sessions whose sockets' own route leads into the tunnel. Called
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
        public void routed(Set<SessionTuple> sessions) {
        }
    };

    /**
     * {@code session} (our socket's tuple) is bound to {@code lineage}, which needs a tunnel: the data plane carries
     * its packets; inside the tunnel the peer's end is {@code peerInTunnel} (its own endpoint, which differs from the
     * socket's remote end where a NAT translated the peer).
     */
    void bound(SessionTuple session, Octets lineage, Endpoint peerInTunnel);

    /** The session ended or no longer needs a tunnel. */
    void released(SessionTuple session);

    /** The carried TCP sessions (our sockets' tuples): their sockets' own route is the tunnel's. */
    void routed(Set<SessionTuple> sessions);
}
