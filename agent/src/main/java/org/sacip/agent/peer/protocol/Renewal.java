package org.sacip.agent.peer.protocol;

import org.sacip.protocol.handshake.AddressPair;
import org.sacip.protocol.handshake.HandshakeInitiator;

/**
 * Our own renewal of one session's key in progress (section 6.6): REKEY sent over the session's current addresses,
 * waiting for the INIT_REPLY that echoes its nonce. Engine thread only.
 */
final class Renewal {
    final Session session;
    /** The key being renewed; the renewal is void once the session has another one. */
    final SessionKey renewing;
    final AddressPair path;
    final HandshakeInitiator initiator;
    Retransmission retransmission;

    Renewal(Session session, SessionKey renewing, AddressPair path, HandshakeInitiator initiator) {
        this.session = session;
        this.renewing = renewing;
        this.path = path;
        this.initiator = initiator;
    }

    void abandon() {
        if (retransmission != null) {
            retransmission.cancel();
        }
    }
}
