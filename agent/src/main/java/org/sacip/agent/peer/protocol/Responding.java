package org.sacip.agent.peer.protocol;

import org.sacip.protocol.handshake.PendingHandshake;
import org.sacip.protocol.message.Octets;

/**
 * A peer's handshake we answered, waiting for its INIT_CONFIRM (section 6.3): a first handshake, or a renewal
 * (REKEY) of one of our sessions' keys. Engine thread only.
 */
final class Responding {
    final Octets initiatorNonce;
    final PendingHandshake pending;
    /** For a renewal: the session and the key the REKEY named; null for a first handshake. */
    final Session renewedSession;
    final SessionKey renewedKey;
    Retransmission retransmission;
    EngineLoop.Timer expiry;

    Responding(Octets initiatorNonce, PendingHandshake pending) {
        this(initiatorNonce, pending, null, null);
    }

    Responding(Octets initiatorNonce, PendingHandshake pending, Session renewedSession, SessionKey renewedKey) {
        this.initiatorNonce = initiatorNonce;
        this.pending = pending;
        this.renewedSession = renewedSession;
        this.renewedKey = renewedKey;
    }

    void drop() {
        if (retransmission != null) {
            retransmission.cancel();
        }
        if (expiry != null) {
            expiry.cancel();
        }
    }
}
