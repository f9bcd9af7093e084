package org.sacip.agent.peer.protocol;

import org.sacip.protocol.handshake.PendingHandshake;
import org.sacip.protocol.message.Octets;

/** A peer's handshake we answered, waiting for its INIT_CONFIRM (section 6.3). Engine thread only. */
final class Responding {
    final Octets initiatorNonce;
    final PendingHandshake pending;
    Retransmission retransmission;
    EngineLoop.Timer expiry;

    Responding(Octets initiatorNonce, PendingHandshake pending) {
        this.initiatorNonce = initiatorNonce;
        this.pending = pending;
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
