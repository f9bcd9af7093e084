package org.sacip.agent.peer.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.SecureRandom;
import java.time.Instant;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.sacip.protocol.message.Octets;

class SpareKeyPairsTest {
    private final ManualLoop loop = new ManualLoop(Instant.parse("2026-12-07T00:00:00Z"));
    private final SpareKeyPairs pairs = new SpareKeyPairs(loop, new SecureRandom());

    @Test
    void aPairGivenOutIsReplacedByTasksQueuedBehindTheOneThatTookIt() {
        assertEquals(0, pairs.ready(), "nothing is made before a handshake asks");
        pairs.nextKeyPair();
        assertEquals(0, pairs.ready(), "the replacement waits for the engine's next task");
        loop.runReady();
        assertEquals(SpareKeyPairs.SPARES, pairs.ready());

        pairs.nextKeyPair();
        assertEquals(SpareKeyPairs.SPARES - 1, pairs.ready());
        loop.runReady();
        assertEquals(SpareKeyPairs.SPARES, pairs.ready());
    }

    @Test
    void noPairIsGivenOutTwiceEvenWhenABurstEmptiesTheSpares() {
        Set<Octets> shares = new HashSet<>();
        for (int round = 0; round < 5; round++) {
            for (int i = 0; i < SpareKeyPairs.SPARES + 3; i++) {
                Octets share = pairs.nextKeyPair().publicShare();
                assertTrue(shares.add(share), "share given out twice: " + share);
            }
            loop.runReady();
        }
        assertEquals(5 * (SpareKeyPairs.SPARES + 3), shares.size());
        assertNotEquals(pairs.nextNonce(), pairs.nextNonce());
    }
}
