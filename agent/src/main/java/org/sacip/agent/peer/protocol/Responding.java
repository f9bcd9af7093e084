package org.sacip.agent.peer.protocol;

import org.sacip.protocol.handshake.AddressPair;
import org.sacip.protocol.handshake.PendingHandshake;
import org.sacip.protocol.message.Init;
import org.sacip.protocol.message.Octets;

/**
 * A peer's handshake we answered, waiting for its INIT_CONFIRM (section 6.3): a first handshake (identified by its
 * path and initiator nonce), or a renewal of one of our lineages' keys. Engine thread only.
 */
final class Responding {
    /** A first handshake: the path (our address, the peer's) and the initiator's nonce. */
    record Key(AddressPair path, Octets initiatorNonce) {
    }

    final Octets initiatorNonce;
    final PendingHandshake pending;
    /** For a first handshake: the INIT answered (a repeat with the same share gets the same reply); else null. */
    final Init init;
    /** For a renewal: the lineage and the key the REKEY named; null for a first handshake. */
    final Association renewed;
    final AssociationKey renewedKey;
    Retransmission retransmission;
    EngineLoop.Timer expiry;

    Responding(Init init, PendingHandshake pending) {
        this.initiatorNonce = init.initiatorNonce();
        this.init = init;
        this.pending = pending;
        this.renewed = null;
        this.renewedKey = null;
    }

    Responding(Octets initiatorNonce, PendingHandshake pending, Association renewed, AssociationKey renewedKey) {
        this.initiatorNonce = initiatorNonce;
        this.init = null;
        this.pending = pending;
        this.renewed = renewed;
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
