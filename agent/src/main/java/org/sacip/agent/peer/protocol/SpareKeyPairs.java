package org.sacip.agent.peer.protocol;

import java.security.SecureRandom;
import java.util.ArrayDeque;
import org.sacip.protocol.crypto.EphemeralKeyPair;
import org.sacip.protocol.handshake.HandshakeInitiator;
import org.sacip.protocol.handshake.HandshakeResponder;
import org.sacip.protocol.message.Octets;

/**
 * X25519 key pairs made ahead of the handshakes that use them, each given out once. Making a pair is a scalar
 * multiplication (about 0.3 ms on a 2-core machine); made on demand, it stood between the event that starts a key
 * agreement and our HELLO (whose share goes only in the later INIT), and between the peer's INIT and our INIT_REPLY.
 * A pair given out is replaced by a task queued on the engine thread behind the one that took it, one pair per task,
 * so the replacement runs while the peer answers and a message that arrived meanwhile is not held up by more than
 * one pair. A burst of handshakes that empties the spares only makes its pairs on demand, as before. A spare is held
 * in memory until it is used, as the keys of the lineages are. Engine thread only.
 */
final class SpareKeyPairs implements HandshakeResponder.Freshness {
    /** Enough for the first connections to two new peers at once; each spare costs one multiplication ahead. */
    static final int SPARES = 2;

    private final EngineLoop loop;
    private final SecureRandom random;
    private final ArrayDeque<EphemeralKeyPair> spares = new ArrayDeque<>(SPARES);
    private boolean replacementQueued;

    SpareKeyPairs(EngineLoop loop, SecureRandom random) {
        this.loop = loop;
        this.random = random;
    }

    /** A key pair no one else was given: a spare if one is left, else one made now; its replacement is queued. */
    @Override
    public EphemeralKeyPair nextKeyPair() {
        EphemeralKeyPair spare = spares.pollFirst();
        queueReplacement();
        return spare != null ? spare : EphemeralKeyPair.generate(random);
    }

    @Override
    public Octets nextNonce() {
        return HandshakeInitiator.randomNonce(random);
    }

    /** Spares ready now (tests). */
    int ready() {
        return spares.size();
    }

    private void queueReplacement() {
        if (replacementQueued || spares.size() >= SPARES) {
            return;
        }
        replacementQueued = true;
        loop.execute(this::makeOne);
    }

    private void makeOne() {
        replacementQueued = false;
        if (spares.size() < SPARES) {
            spares.addLast(EphemeralKeyPair.generate(random));
            queueReplacement();
        }
    }
}
