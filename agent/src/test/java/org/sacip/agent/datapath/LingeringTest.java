package org.sacip.agent.datapath;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.sacip.netlink.nftables.MapElement;
import org.sacip.netlink.nftables.SacipSets;
import org.sacip.netlink.nftables.TupleKey;

/**
 * Old wire addresses stay accepted for a while after a change, because the other end switches only when our
 * answer reaches it: without that, the peer returning home (or moving on) while we still send from its old
 * address would meet a socket-less tuple and be reset.
 */
class LingeringTest {
    private static final InetAddress X = address("198.18.1.1");
    private static final InetAddress Y = address("198.18.1.11");
    private static final InetAddress Z = address("198.18.1.12");
    private static final InetAddress B = address("198.18.0.2");
    private static final InetAddress B2 = address("198.18.0.22");
    private static final SessionTuple SESSION =
            new SessionTuple(SessionProtocol.TCP, new Endpoint(X, 40000), new Endpoint(B, 5001));
    private static final Instant UNTIL = Instant.parse("2026-11-23T12:00:20Z");

    @Test
    void thePeerReturningHomeLeavesItsOldAddressAccepted() throws Exception {
        Remapping moved = Remapping.peerMove(SESSION, B2);
        Remapping home = moved.withActiveRemote(B);
        List<Lingering> left = Lingering.between(moved, home, UNTIL);
        assertEquals(List.of(new Lingering(SESSION, B2, X, UNTIL)), left);
        KernelElements elements = KernelElements.of(List.of(), List.of(), left);
        assertEquals(new MapElement(new TupleKey(B2, X, 6, 5001, 40000), B),
                elements.of(SacipSets.IN4).get(new TupleKey(B2, X, 6, 5001, 40000)));
        assertEquals(1, elements.size());
    }

    @Test
    void ourChainedMoveLeavesTheMiddleAddressAccepted() throws Exception {
        Remapping atY = Remapping.localMoveAnnounced(SESSION, Y).confirmed();
        Remapping atZ = Remapping.localMoveAnnounced(SESSION, Z);
        List<Lingering> left = Lingering.between(atY, atZ, UNTIL);
        assertEquals(List.of(new Lingering(SESSION, B, Y, UNTIL)), left);
        KernelElements elements = KernelElements.of(List.of(atZ), List.of(), left);
        assertEquals(X, ((MapElement) elements.of(SacipSets.INDST4).get(new TupleKey(B, Y, 6, 5001, 40000)))
                .address());
        assertEquals(X, ((MapElement) elements.of(SacipSets.INDST4).get(new TupleKey(B, Z, 6, 5001, 40000)))
                .address());
    }

    @Test
    void aFirstMoveLeavesNothingBecauseTheOriginalTupleMatchesTheSocket() {
        assertTrue(Lingering.between(null, Remapping.peerMove(SESSION, B2), UNTIL).isEmpty());
        assertTrue(Lingering.between(null, Remapping.localMoveAnnounced(SESSION, Y), UNTIL).isEmpty());
    }

    @Test
    void theCurrentStateWinsOverALingeringKey() throws Exception {
        // We linger on B2 for the session, but another state needs the same key: the state's element is kept.
        Lingering old = new Lingering(SESSION, B2, X, UNTIL);
        Remapping again = Remapping.peerMove(SESSION, B2);
        KernelElements elements = KernelElements.of(List.of(again), List.of(), List.of(old));
        assertEquals(2, elements.size());
    }

    private static InetAddress address(String text) {
        try {
            return InetAddress.getByName(text);
        } catch (java.net.UnknownHostException e) {
            throw new IllegalArgumentException(e);
        }
    }
}
