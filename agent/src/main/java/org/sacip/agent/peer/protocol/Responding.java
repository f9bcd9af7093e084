package org.sacip.agent.peer.protocol;

import org.sacip.protocol.codec.Envelope;
import org.sacip.protocol.handshake.AddressPair;
import org.sacip.protocol.handshake.PendingHandshake;
import org.sacip.protocol.message.Init;
import org.sacip.protocol.message.Octets;

/**
 * A peer's handshake we answered, waiting for its INIT_CONFIRM (section 6.3): a first handshake (identified by where
 * its INIT came from and arrived, and its initiator nonce), or a renewal of one of our lineages' keys. Engine thread
 * only.
 */
final class Responding {
    /**
     * A first handshake: {@code reply}, the envelope its INIT_REPLY goes in (over ICMP our address and the peer's;
     * over UDP our endpoint and the one the INIT was observed from, PROTOCOL.md 13.6), and the initiator's nonce. The
     * same nonce over ICMP and over UDP makes two handshakes, of which at most one is confirmed.
     */
    record Key(Envelope reply, Octets initiatorNonce) {
        /** The peer's address as it stated it, and ours. */
        AddressPair path() {
            return new AddressPair(reply.source(), reply.destination());
        }
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
