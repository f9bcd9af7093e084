package org.sacip.agent.datapath;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.sacip.agent.datapath.KernelState.await;
import static org.sacip.agent.datapath.KernelState.elements;
import static org.sacip.agent.datapath.KernelState.loopbackHas;

import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.sacip.agent.session.Endpoint;
import org.sacip.agent.session.SessionProtocol;
import org.sacip.agent.session.SessionTuple;
import org.sacip.netlink.nftables.Element;
import org.sacip.netlink.nftables.SetReference;
import org.sacip.netlink.testing.TestNamespace;

/**
 * The data path's kernel state in one throwaway namespace, without traffic: refused changes change nothing, a
 * chained move replaces its entries, grace periods end and stale tuples appear only when the clock says so, ended
 * sessions take their entries, stale tuples and ghosts along, and the guard repairs whatever others delete.
 */
@Tag("integration")
class DataPathStateIntegrationTest {
    private final InetAddress x = Addresses.parse("198.18.1.1");
    private final InetAddress y = Addresses.parse("198.18.1.11");
    private final InetAddress z = Addresses.parse("198.18.1.12");
    private final InetAddress b = Addresses.parse("198.18.0.2");
    private final InetAddress b2 = Addresses.parse("198.18.0.22");
    private final InetAddress b3 = Addresses.parse("198.18.0.23");
    private final SessionTuple tcp = new SessionTuple(SessionProtocol.TCP, new Endpoint(x, 40000),
            new Endpoint(b, 5001));
    private final SessionTuple udp = new SessionTuple(SessionProtocol.UDP, new Endpoint(x, 40001),
            new Endpoint(b, 53));
    private final TestClock clock = new TestClock();

    private DataPath open(TestNamespace namespace) throws DataPathException {
        return MoveOfA.dataPath(namespace, clock);
    }

    @Test
    void refusedChangesChangeNothing() throws Exception {
        try (TestNamespace ns = TestNamespace.create("dps"); DataPath path = open(ns)) {
            assertThrows(DataPathException.class,
                    () -> path.commit(List.of(Moves.announced(tcp, y)), List.of(), List.of()),
                    "nothing before install");
            path.install();
            path.commit(List.of(new Remapping(tcp, y, y, b2)), List.of(), List.of());
            Map<SetReference, Set<Element>> before = elements(ns);
            // Another session whose wire tuple would be the first one's: the change is refused as a whole (the
            // ghost it asks for too), the kernel untouched, and the exception names the session in the way.
            SessionTuple clash = new SessionTuple(SessionProtocol.TCP, new Endpoint(x, 40000),
                    new Endpoint(b2, 5001));
            RemapConflictException refused = assertThrows(RemapConflictException.class,
                    () -> path.commit(List.of(Moves.peerMoved(udp, b2), Moves.confirmed(clash, y)),
                            List.of(GhostChange.hold(x, Set.of(udp, clash))), List.of()));
            assertEquals(Set.of(clash), refused.sessions());
            assertEquals(before, elements(ns));
            assertEquals(Set.of(tcp), path.remappings().keySet());
            assertFalse(path.holdsGhost(x));
            assertFalse(loopbackHas(ns, x), "no ghost from a refused change");

            // Activating a ghost nobody holds creates nothing (a ghost lives only while a session holds it).
            path.commit(List.of(), List.of(GhostChange.activity(z, true)), List.of());
            assertFalse(loopbackHas(ns, z));
            assertEquals(before, elements(ns));
            path.flush();
        }
    }

    @Test
    void aKeyGivenUpAndTakenInOneCommitIsNoConflictWhateverTheOrder() throws Exception {
        // The TCP session's peer is at B2, so B2:5001 -> X:40000 is its inbound key. In one change that peer moves on
        // to B3, and the peer of another session (X:40000 -> B3:5001) moves to B2 and needs that very key. After the
        // change only the second session has it: the change is judged on where it ends, not on the order of its
        // list (here the taker comes first).
        SessionTuple second = new SessionTuple(SessionProtocol.TCP, new Endpoint(x, 40000), new Endpoint(b3, 5001));
        try (TestNamespace ns = TestNamespace.create("dps"); DataPath path = open(ns)) {
            path.install();
            path.commit(List.of(Moves.peerMoved(tcp, b2)), List.of(), List.of());
            path.commit(List.of(Moves.peerMoved(second, b2), Moves.peerMoved(tcp, b3)), List.of(), List.of());
            assertEquals(new ExpectedElements().remapping(Moves.peerMoved(tcp, b3))
                    .remapping(Moves.peerMoved(second, b2)).bySet(), elements(ns));
            path.flush();
        }
    }

    @Test
    void chainedMoveReplacesEntriesAndEndedSessionsTakeTheirGhost() throws Exception {
        try (TestNamespace ns = TestNamespace.create("dps"); DataPath path = open(ns)) {
            path.install();
            path.commit(List.of(), List.of(GhostChange.hold(x, Set.of(tcp, udp))), List.of());
            assertTrue(loopbackHas(ns, x), "standby ghost on lo");
            assertEquals(new ExpectedElements().standbyGhost(x, tcp, udp).bySet(), elements(ns),
                    "a standby ghost's address is in no set, its holders' flows are ready");
            path.commit(List.of(Moves.confirmed(tcp, y), Moves.confirmed(udp, y)),
                    List.of(GhostChange.activity(x, true)), List.of());
            path.commit(List.of(Moves.confirmed(tcp, z), Moves.confirmed(udp, z)), List.of(), List.of());
            assertEquals(new ExpectedElements().remapping(Moves.confirmed(tcp, z)).remapping(Moves.confirmed(udp, z))
                    .lingering(new Lingering(tcp, b, y, clock.instant())).lingering(new Lingering(udp, b, y,
                            clock.instant())).activeGhost(x, tcp, udp).bySet(), elements(ns),
                    "Z's entries, Y still accepted for the grace period");
            assertTrue(path.maintain(), "grace periods running");
            clock.passLinger();
            assertFalse(path.maintain(), "nothing left to come");
            assertEquals(new ExpectedElements().remapping(Moves.confirmed(tcp, z)).remapping(Moves.confirmed(udp, z))
                    .activeGhost(x, tcp, udp).bySet(), elements(ns),
                    "X -> Y -> Z keeps X as the original and only Z's entries");

            path.commit(List.of(), List.of(), List.of(tcp));
            assertTrue(loopbackHas(ns, x), "the UDP session still holds the ghost");
            assertEquals(new ExpectedElements().remapping(Moves.confirmed(udp, z)).activeGhost(x, udp).bySet(),
                    elements(ns));
            path.commit(List.of(), List.of(), List.of(udp));
            assertFalse(loopbackHas(ns, x), "the ghost goes with its last session");
            assertEquals(Map.of(), elements(ns));
            path.flush();
        }
    }

    @Test
    void maintenanceTakesWhatIsDueInBatchesAndNotAPeerThatLeftAgainSince() throws Exception {
        // More sessions than one maintenance batch, all of whose peers moved at once.
        int sessions = DataPath.MAINTENANCE_BATCH + 500;
        List<Remapping> moved = new java.util.ArrayList<>();
        for (int i = 0; i < sessions; i++) {
            moved.add(Moves.peerMoved(new SessionTuple(SessionProtocol.TCP, new Endpoint(x, 10_000 + i),
                    new Endpoint(b, 5001)), b2));
        }
        SessionTuple again = moved.get(0).original();
        try (TestNamespace ns = TestNamespace.create("dps"); DataPath path = open(ns)) {
            path.install();
            path.commit(moved, List.of(), List.of());
            // Halfway through the grace period one peer comes home and leaves again: its time starts over.
            clock.advance(DataPath.LINGER.dividedBy(2));
            path.commit(List.of(Remapping.identity(again)), List.of(), List.of());
            path.commit(List.of(moved.get(0)), List.of(), List.of());
            clock.advance(DataPath.LINGER.dividedBy(2).plusSeconds(1));

            assertTrue(path.maintain(), "more is due than one batch takes");
            assertEquals(DataPath.MAINTENANCE_BATCH, staleCount(ns), "one batch of stale tuples");
            assertTrue(path.maintain(), "the peer that left again is not stale yet");
            assertEquals(sessions - 1, staleCount(ns), "the rest, without the peer that left again");
            clock.advance(DataPath.LINGER.dividedBy(2));
            assertFalse(path.maintain(), "nothing left to come");
            assertEquals(sessions, staleCount(ns), "the peer that left again, a grace period after it left");
            path.flush();
        }
    }

    private static int staleCount(TestNamespace ns) throws Exception {
        return elements(ns).getOrDefault(SacipSets.STALE4, Set.of()).size();
    }

    @Test
    void staleTuplesComeAfterTheGracePeriodAndGoWithTheReturnOrTheSession() throws Exception {
        try (TestNamespace ns = TestNamespace.create("dps"); DataPath path = open(ns)) {
            path.install();
            path.commit(List.of(Moves.peerMoved(tcp, b2)), List.of(), List.of());
            assertTrue(path.maintain(), "the peer's old tuple is yet to become stale");
            clock.advance(DataPath.LINGER.minusSeconds(1));
            assertTrue(path.maintain());
            assertEquals(new ExpectedElements().remapping(Moves.peerMoved(tcp, b2)).bySet(), elements(ns),
                    "no stale tuple within the grace period");
            clock.advance(Duration.ofSeconds(2));
            assertFalse(path.maintain(), "nothing left to come once the tuple is stale");
            assertEquals(new ExpectedElements().remapping(Moves.peerMoved(tcp, b2)).stale(tcp, x).bySet(),
                    elements(ns));

            // Moving on keeps the stale tuple (the peer is still away from its original address).
            path.commit(List.of(Moves.peerMoved(tcp, b3)), List.of(), List.of());
            assertEquals(new ExpectedElements().remapping(Moves.peerMoved(tcp, b3)).stale(tcp, x)
                    .lingering(new Lingering(tcp, b2, x, clock.instant())).bySet(), elements(ns));
            // The return home takes it away at once: the original tuple is the session's again.
            path.commit(List.of(Remapping.identity(tcp)), List.of(), List.of());
            assertEquals(new ExpectedElements().lingering(new Lingering(tcp, b2, x, clock.instant()))
                    .lingering(new Lingering(tcp, b3, x, clock.instant())).bySet(), elements(ns),
                    "only the grace periods of B2 and B3 are left");

            // With a move of ours as well, the old tuple is stale towards every address of ours it could name;
            // the end of the session takes them all.
            Remapping both = new Remapping(udp, z, y, b2);
            path.commit(List.of(both), List.of(), List.of());
            clock.passLinger();
            assertFalse(path.maintain());
            assertEquals(new ExpectedElements().remapping(both).stale(udp, x).stale(udp, y).stale(udp, z).bySet(),
                    elements(ns));
            path.commit(List.of(), List.of(), List.of(udp));
            assertEquals(Map.of(), elements(ns));
            assertFalse(path.maintain());
            path.flush();
        }
    }

    @Test
    void guardRepairsWhatOthersDelete() throws Exception {
        try (TestNamespace ns = TestNamespace.create("dps"); DataPath path = open(ns)) {
            path.install();
            path.commit(List.of(new Remapping(tcp, y, y, b2), Moves.peerMoved(udp, b2)),
                    List.of(GhostChange.hold(x, Set.of(tcp)), GhostChange.activity(x, true)), List.of());
            clock.passLinger();
            path.maintain();
            Map<SetReference, Set<Element>> wanted = elements(ns);
            assertEquals(new ExpectedElements().remapping(new Remapping(tcp, y, y, b2))
                    .remapping(Moves.peerMoved(udp, b2)).activeGhost(x, tcp).stale(tcp, x).stale(tcp, y)
                    .stale(udp, x).bySet(), wanted);
            try (DataPathGuard guard = DataPathGuard.start(path)) {
                ns.exec("nft", "delete", "table", "inet", "sacip");
                await(() -> elements(ns).equals(wanted), "table restored");
                ns.exec("nft", "flush", "map", "inet", "sacip", "out4");
                await(() -> elements(ns).equals(wanted), "map elements restored");
                ns.exec("nft", "delete", "table", "arp", "sacip");
                await(() -> elements(ns).equals(wanted), "arp table restored");
                ns.exec("nft", "flush", "set", "inet", "sacip", "ghostflows4");
                await(() -> elements(ns).equals(wanted), "ghost flows restored");
                ns.exec("nft", "flush", "set", "inet", "sacip", "stale4");
                await(() -> elements(ns).equals(wanted), "stale tuples restored");
                ns.exec("ip", "addr", "del", Addresses.text(x) + "/32", "dev", "lo");
                await(() -> loopbackHas(ns, x), "ghost address restored on lo");
            }
            // Stopped guard and closed data path: everything stays.
            path.close();
            assertEquals(wanted, elements(ns));
            assertTrue(loopbackHas(ns, x));
        }
    }
}
