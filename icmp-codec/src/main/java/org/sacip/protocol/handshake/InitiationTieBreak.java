package org.sacip.protocol.handshake;

import java.util.Arrays;
import org.sacip.protocol.message.Octets;

/**
 * Simultaneous initiation: when a host that has an initiation of its own in progress receives the peer's INIT
 * (or REKEY), the handshake whose initiator nonce is larger, compared as unsigned big-endian numbers, goes on; the
 * other side abandons its own and answers as responder. Equal nonces: both abandon and start again.
 */
public final class InitiationTieBreak {
    private InitiationTieBreak() {
    }

    /** True when this host should abandon its own initiation and answer the peer's. */
    public static boolean localYields(Octets ownInitiatorNonce, Octets peerInitiatorNonce) {
        return Arrays.compareUnsigned(ownInitiatorNonce.toByteArray(), peerInitiatorNonce.toByteArray()) < 0;
    }

    /** True when this host keeps its own initiation and ignores the peer's INIT. */
    public static boolean localContinues(Octets ownInitiatorNonce, Octets peerInitiatorNonce) {
        return Arrays.compareUnsigned(ownInitiatorNonce.toByteArray(), peerInitiatorNonce.toByteArray()) > 0;
    }
}
