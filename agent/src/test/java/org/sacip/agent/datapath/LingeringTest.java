package org.sacip.agent.datapath;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.sacip.agent.session.Endpoint;
import org.sacip.agent.session.SessionProtocol;
import org.sacip.agent.session.SessionTuple;
import org.sacip.netlink.nftables.Element;
import org.sacip.netlink.nftables.MapElement;
import org.sacip.netlink.nftables.PortMapElement;
import org.sacip.netlink.nftables.TupleKey;

/**
 * Old wire addresses stay accepted for a while after a change, because the other end switches only when our
 * answer reaches it: without that, the peer returning home (or moving on) while we still send from its old
 * address would meet a socket-less tuple and be reset.
 */
class LingeringTest {
    private static final InetAddress X = Addresses.parse("198.18.1.1");
    private static final InetAddress Y = Addresses.parse("198.18.1.11");
    private static final InetAddress Z = Addresses.parse("198.18.1.12");
    private static final InetAddress B = Addresses.parse("198.18.0.2");
    private static final InetAddress B2 = Addresses.parse("198.18.0.22");
    private static final SessionTuple SESSION =
            new SessionTuple(SessionProtocol.TCP, new Endpoint(X, 40000), new Endpoint(B, 5001));
    private static final Instant UNTIL = Instant.parse("2026-11-23T12:00:20Z");

    @Test
    void thePeerReturningHomeLeavesItsOldAddressAccepted() {
        Remapping moved = Moves.peerMoved(SESSION, B2);
        Remapping home = Moves.peerMoved(SESSION, B);
        List<Lingering> left = Lingering.between(moved, home, UNTIL);
        assertEquals(List.of(new Lingering(SESSION, B2, X, UNTIL)), left);
        assertEquals(List.of(new MapElement(new TupleKey(B2, X, 6, 5001, 40000), B)), elements(left));
    }

    @Test
    void aPeerLeavingADirectPortLeavesThatWireTupleAccepted() {
        // B:5001 was the peer's NAT; it came from B2:50000 directly and now from B2:50001 (another socket port of
        // its own would be another session, but a NAT on its new path may rebind).
        Remapping first = new Remapping(SESSION, X, X, B2, 50000);
        Remapping next = new Remapping(SESSION, X, X, B2, 50001);
        List<Lingering> left = Lingering.between(first, next, UNTIL);
        assertEquals(List.of(new Lingering(SESSION, B2, 50000, X, UNTIL)), left);
        // The old wire port is restored first, then the address, as the pre chain does.
        assertEquals(List.of(new PortMapElement(new TupleKey(B2, X, 6, 50000, 40000), 5001),
                new MapElement(new TupleKey(B2, X, 6, 5001, 40000), B)), elements(left));
        // Back through the NAT, on the socket's own tuple: the direct one lingers.
        assertEquals(left, Lingering.between(first, Remapping.identity(SESSION), UNTIL));
        // Leaving the NAT is a first move: the original tuple is the socket's, nothing to keep.
        assertTrue(Lingering.between(null, first, UNTIL).isEmpty());
    }

    @Test
    void ourChainedMoveLeavesTheMiddleAddressAccepted() {
        List<Lingering> left = Lingering.between(Moves.confirmed(SESSION, Y), Moves.confirmed(SESSION, Z), UNTIL);
        assertEquals(List.of(new Lingering(SESSION, B, Y, UNTIL)), left);
        assertEquals(List.of(new MapElement(new TupleKey(B, Y, 6, 5001, 40000), X)), elements(left));
    }

    @Test
    void anAddressWeStillSendFromIsAcceptedByTheStateNotByLingering() {
        // Announced Z while the peer knows Y: we still send from Y, so the state itself accepts packets to Y.
        Remapping announcedZ = new Remapping(SESSION, Z, Y, B);
        assertEquals(List.of(), Lingering.between(Moves.confirmed(SESSION, Y), announcedZ, UNTIL));
        assertTrue(RemapEntries.of(announcedZ).stream().map(RemapEntry::element).collect(Collectors.toSet())
                .containsAll(Set.of(new MapElement(new TupleKey(B, Y, 6, 5001, 40000), X),
                        new MapElement(new TupleKey(B, Z, 6, 5001, 40000), X))));
        // A return home goes the same way: received at X at once, Y accepted until the peer confirms.
        Remapping returning = new Remapping(SESSION, X, Y, B);
        assertEquals(List.of(), Lingering.between(Moves.confirmed(SESSION, Y), returning, UNTIL));
        assertEquals(List.of(new Lingering(SESSION, B, Y, UNTIL)),
                Lingering.between(returning, Remapping.identity(SESSION), UNTIL));
    }

    @Test
    void aFirstMoveLeavesNothingBecauseTheOriginalTupleMatchesTheSocket() {
        assertTrue(Lingering.between(null, Moves.peerMoved(SESSION, B2), UNTIL).isEmpty());
        assertTrue(Lingering.between(null, Moves.announced(SESSION, Y), UNTIL).isEmpty());
    }

    @Test
    void theCurrentStateWinsOverALingeringKey() {
        // We linger on B2 for the session, but the state needs the same key again: the state's element is kept,
        // and the grace period's end does not take it away.
        Lingering old = new Lingering(SESSION, B2, X, UNTIL);
        RemapEntry lingering = old.entries().get(0);
        Remapping again = Moves.peerMoved(SESSION, B2);
        RemapEntry state = RemapEntries.of(again).stream().filter(e -> e.map() == SacipSets.IN4).findFirst()
                .orElseThrow();
        assertEquals(lingering.slot(), state.slot());

        ElementLedger ledger = new ElementLedger();
        ElementLedger.Transaction first = ledger.begin();
        first.put(lingering.map(), lingering.element(), old, true);
        first.commit();
        ElementLedger.Transaction back = ledger.begin();
        assertNull(back.put(state.map(), state.element(), SESSION, false), "a lingering key is never in the way");
        back.commit();
        ElementLedger.Transaction expiry = ledger.begin();
        expiry.remove(lingering.map(), lingering.element(), old);
        assertTrue(expiry.diff().isEmpty(), "the state's element stays when the grace period ends");
        // And the other way round: a lingering key yields to the state's.
        ElementLedger.Transaction late = ledger.begin();
        assertNull(late.put(lingering.map(), lingering.element(), old, true));
        assertTrue(late.diff().isEmpty());
    }

    private static List<Element> elements(List<Lingering> lingering) {
        return lingering.stream().flatMap(l -> l.entries().stream()).map(RemapEntry::element).toList();
    }
}
