package org.sacip.agent.handover;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sacip.agent.datapath.DataPath;
import org.sacip.agent.datapath.DataPathSettings;
import org.sacip.agent.datapath.Remapping;
import org.sacip.agent.move.MoveKind;
import org.sacip.agent.move.MovePlan;
import org.sacip.agent.peer.protocol.AssociationView;
import org.sacip.agent.peer.protocol.BindingChange;
import org.sacip.agent.peer.protocol.EngineChange;
import org.sacip.agent.session.Endpoint;
import org.sacip.agent.session.PeerSessions;
import org.sacip.agent.session.Session;
import org.sacip.agent.session.SessionOrigin;
import org.sacip.agent.session.SessionProtocol;
import org.sacip.agent.session.SessionTuple;
import org.sacip.control.EventType;
import org.sacip.netlink.testing.TestNamespace;
import org.sacip.protocol.message.Octets;
import org.sacip.protocol.message.SacipAddress;

/**
 * The handover on a real data path in a throwaway namespace: our move, then its confirmation, as the kernel's maps
 * show them; and two lineages whose sessions collide on the wire in one change — only the colliding one fails.
 */
@Tag("integration")
class HandoverIntegrationTest {
    private static final Duration WAIT = Duration.ofSeconds(10);
    private final InetAddress x = ip("198.18.1.1");
    private final InetAddress y = ip("198.18.1.11");
    private final InetAddress b = ip("198.18.0.2");
    private final InetAddress c = ip("198.18.0.3");

    @TempDir
    Path state;

    @Test
    void ourMoveThenItsConfirmationReachTheDataPathInOrder() throws Exception {
        try (TestNamespace ns = TestNamespace.create("hov");
                DataPath dataPath = DataPath.open(ns.netNamespace(), DataPathSettings.defaults(), Clock.systemUTC());
                Handover handover = resumedHandover(dataPath, HandoverEvents.NONE, observer())) {
            SessionTuple session = tuple(x, 40000, b, 22);
            Octets lineage = Octets.fromHex("0102030405060708");
            bindAtHome(handover, lineage, session);
            assertEquals(Remapping.identity(session), dataPath.remapping(session));
            assertTrue(dataPath.ghostAddresses().contains(x), "a standby ghost for a bound session");

            handover.execute(plan(x, y, session)).get(10, TimeUnit.SECONDS);
            assertEquals(new Remapping(session, y, x, b), dataPath.remapping(session),
                    "receive at the new address, send from the old until the peer confirms");
            apply(handover, new EngineChange(List.of(view(lineage, x, b, y, b)), List.of(), List.of(), List.of()));
            assertEquals(new Remapping(session, y, y, b), dataPath.remapping(session));
            dataPath.flush();
        }
    }

    @Test
    void aSessionIsInTheTunnelDataPlaneBeforeTheDataPathSendsItThereAndLeavesItOnlyAfter() throws Exception {
        try (TestNamespace ns = TestNamespace.create("hov");
                DataPath dataPath = DataPath.open(ns.netNamespace(), DataPathSettings.defaults(), Clock.systemUTC());
                Handover handover = resumedHandover(dataPath, HandoverEvents.NONE, observer())) {
            SessionTuple session = tuple(x, 40000, b, 22);
            Octets lineage = Octets.fromHex("0102030405060708");
            // What the data path held for the session when the tunnel data plane heard of it (the handover thread
            // calls the carrier, as it commits).
            List<String> heard = new CopyOnWriteArrayList<>();
            handover.carryThrough(new TunnelCarrier() {
                @Override
                public void bound(SessionTuple tuple, Octets id, Endpoint peerInTunnel) {
                    heard.add("bound while " + (dataPath.remapping(tuple).carried() ? "carried" : "direct"));
                }

                @Override
                public void released(SessionTuple tuple) {
                    heard.add("released while " + (dataPath.remapping(tuple).carried() ? "carried" : "direct"));
                }

                @Override
                public void routed(Set<SessionTuple> sessions) {
                }
            });
            bindAtHome(handover, lineage, session);
            assertEquals(List.of(), heard, "no tunnel, nothing to hear");

            apply(handover, new EngineChange(List.of(tunnelUp(view(lineage, x, b, x, b))), List.of(), List.of(),
                    List.of()));
            assertEquals(Remapping.carried(session), dataPath.remapping(session));
            assertEquals(List.of("bound while direct"), heard, "bound before the ruleset sends it into the device");

            handover.sessionsEnded(List.of(session));
            apply(handover, new EngineChange(List.of(), List.of(), List.of(), List.of()));
            assertEquals(List.of("bound while direct", "released while direct"), heard,
                    "released once the ruleset no longer sends it into the device");
            dataPath.flush();
        }
    }

    @Test
    void aTunnelComingUpHasItsSessionsKickedAsAfterAConvergedMove() throws Exception {
        List<String> converged = new CopyOnWriteArrayList<>();
        Handover.Observer observer = new Handover.Observer() {
            @Override
            public void addresses(Set<InetAddress> ghosts, Set<InetAddress> sendingFrom) {
            }

            @Override
            public void movesOver(Set<InetAddress> originals) {
            }

            @Override
            public void moveConverged(InetAddress localOriginal, InetAddress peerOriginal,
                    Set<SessionTuple> sessions) {
                converged.add(localOriginal.getHostAddress() + " with " + peerOriginal.getHostAddress() + ": "
                        + sessions);
            }
        };
        try (TestNamespace ns = TestNamespace.create("hov");
                DataPath dataPath = DataPath.open(ns.netNamespace(), DataPathSettings.defaults(), Clock.systemUTC());
                Handover handover = resumedHandover(dataPath, HandoverEvents.NONE, observer)) {
            SessionTuple session = tuple(x, 40000, b, 22);
            Octets lineage = Octets.fromHex("0102030405060708");
            bindAtHome(handover, lineage, session);
            apply(handover, new EngineChange(List.of(view(lineage, x, b, x, b)), List.of(), List.of(), List.of()));
            assertEquals(List.of(), converged, "nothing moved, no tunnel");
            // A restarted agent back home, say: its tunnel comes up again, and its sockets may be waiting for a
            // backed-off timer since it went down.
            apply(handover, new EngineChange(List.of(tunnelUp(view(lineage, x, b, x, b))), List.of(), List.of(),
                    List.of()));
            assertEquals(Remapping.carried(session), dataPath.remapping(session));
            assertEquals(List.of(x.getHostAddress() + " with " + b.getHostAddress() + ": " + Set.of(session)),
                    converged);
            apply(handover, new EngineChange(List.of(tunnelUp(view(lineage, x, b, x, b))), List.of(), List.of(),
                    List.of()));
            assertEquals(1, converged.size(), "only when it comes up");
            dataPath.flush();
        }
    }

    @Test
    void aKnownSessionHoldsItsGhostAgainOnceTheDataPathWasInstalledAfresh() throws Exception {
        try (TestNamespace ns = TestNamespace.create("hov");
                DataPath dataPath = DataPath.open(ns.netNamespace(), DataPathSettings.defaults(), Clock.systemUTC());
                Handover handover = resumedHandover(dataPath, HandoverEvents.NONE, observer())) {
            SessionTuple session = tuple(x, 40000, b, 22);
            Octets lineage = Octets.fromHex("0102030405060708");
            bindAtHome(handover, lineage, session);
            assertTrue(dataPath.holdsGhost(x), "a standby ghost for a bound session");
            // Someone started the data path over (a flush that failed halfway, say): its ghosts are gone.
            dataPath.flush();
            dataPath.install();
            assertFalse(dataPath.holdsGhost(x));

            handover.execute(plan(x, y, session)).get(10, TimeUnit.SECONDS);
            assertTrue(dataPath.holdsGhost(x), "the session the book knew holds its ghost in the new installation");
            assertEquals(new Remapping(session, y, x, b), dataPath.remapping(session));
            dataPath.flush();
        }
    }

    @Test
    void theAddressLeavingAfterARouteChangeIsTheSameMoveWhoseTimeRunsFromTheRouteChange() throws Exception {
        List<Map<String, String>> converged = new CopyOnWriteArrayList<>();
        HandoverEvents events = convergedInto(converged);
        List<String> moves = new CopyOnWriteArrayList<>();
        List<Duration> convergence = new CopyOnWriteArrayList<>();
        try (TestNamespace ns = TestNamespace.create("hov");
                DataPath dataPath = DataPath.open(ns.netNamespace(), DataPathSettings.defaults(), Clock.systemUTC());
                Handover handover = resumedHandover(dataPath, events, movesObserver(moves, convergence))) {
            SessionTuple session = tuple(x, 40000, b, 22);
            Octets lineage = Octets.fromHex("0102030405060708");
            bindAtHome(handover, lineage, session);
            Instant routeChange = Instant.now().minusSeconds(5);
            handover.execute(plan(MoveKind.ROUTE_CHANGE, x, y, session, routeChange, true))
                    .get(10, TimeUnit.SECONDS);
            // The address leaves before the peer answered: still the same move.
            handover.execute(plan(MoveKind.MAKE_BEFORE_BREAK, x, y, session, Instant.now(), false))
                    .get(10, TimeUnit.SECONDS);
            apply(handover, new EngineChange(List.of(view(lineage, x, b, y, b)), List.of(), List.of(), List.of()));
            assertEquals(1, converged.size(), converged.toString());
            assertTrue(Long.parseLong(converged.get(0).get("ms")) >= 5000, "measured from the route change, "
                    + "5 s before: " + converged);

            // Once confirmed, the address leaving again waits for nobody: no answer is left to count.
            handover.execute(plan(MoveKind.MAKE_BEFORE_BREAK, x, y, session, Instant.now(), false))
                    .get(10, TimeUnit.SECONDS);
            handover.execute(plan(MoveKind.RETURN_HOME, x, x, session, Instant.now(), true))
                    .get(10, TimeUnit.SECONDS);
            apply(handover, new EngineChange(List.of(view(lineage, x, b, x, b)), List.of(), List.of(), List.of()));
            assertEquals(2, converged.size(), "the return home converged as a move of its own: " + converged);
            assertEquals(Remapping.identity(session), dataPath.remapping(session));

            // A move whose sessions all end before the peer answered is abandoned.
            handover.execute(plan(MoveKind.MAKE_BEFORE_BREAK, x, y, session, Instant.now(), false))
                    .get(10, TimeUnit.SECONDS);
            handover.sessionsEnded(List.of(session));
            // The handover runs its tasks in order: once this change is applied, the ends are too.
            apply(handover, new EngineChange(List.of(), List.of(), List.of(), List.of()));
            assertEquals(List.of("started ROUTE_CHANGE", "started MAKE_BEFORE_BREAK", "ROUTE_CHANGE SUPERSEDED",
                    "MAKE_BEFORE_BREAK CONVERGED", "started MAKE_BEFORE_BREAK", "MAKE_BEFORE_BREAK NO_PEERS",
                    "started RETURN_HOME", "RETURN_HOME CONVERGED", "started MAKE_BEFORE_BREAK",
                    "MAKE_BEFORE_BREAK ABANDONED"), moves, "the moves the observer (the metrics) heard of");
            assertEquals(2, convergence.size(), "a convergence time for each move its peer answered: " + convergence);
            assertTrue(convergence.get(0).compareTo(Duration.ofSeconds(5)) >= 0, "as the converged event: "
                    + convergence);
            dataPath.flush();
        }
    }

    @Test
    void theAddressLeavingAfterARouteChangeActivatesTheGhostAndTakesInSessionsNotSeenBefore() throws Exception {
        try (TestNamespace ns = TestNamespace.create("hov");
                DataPath dataPath = DataPath.open(ns.netNamespace(), DataPathSettings.defaults(), Clock.systemUTC());
                Handover handover = resumedHandover(dataPath, HandoverEvents.NONE, observer())) {
            SessionTuple session = tuple(x, 40000, b, 22);
            Octets lineage = Octets.fromHex("0102030405060708");
            bindAtHome(handover, lineage, session);
            handover.execute(plan(MoveKind.ROUTE_CHANGE, x, y, session, Instant.now(), true))
                    .get(10, TimeUnit.SECONDS);
            assertEquals(new Remapping(session, y, x, b), dataPath.remapping(session));
            assertEquals("standby", ghostOf(ns, dataPath, x), "the address is still on its interface");

            handover.execute(plan(MoveKind.MAKE_BEFORE_BREAK, x, y, session, Instant.now(), false))
                    .get(10, TimeUnit.SECONDS);
            assertEquals("active", ghostOf(ns, dataPath, x), "the ghost now stands for the address that left");
            assertEquals(new Remapping(session, y, x, b), dataPath.remapping(session), "the moved session as it was");

            // Another address moves and leaves; by then the planner found a session the handover never saw.
            InetAddress x2 = ip("198.18.1.2");
            SessionTuple known = tuple(x2, 40000, b, 22);
            SessionTuple late = tuple(x2, 40001, c, 80);
            handover.execute(plan(MoveKind.ROUTE_CHANGE, x2, y, known, Instant.now(), true))
                    .get(10, TimeUnit.SECONDS);
            List<Session> found = List.of(new Session(known, SessionOrigin.TRACKED, 0),
                    new Session(late, SessionOrigin.TRACKED, 0));
            handover.execute(new MovePlan(MoveKind.MAKE_BEFORE_BREAK, x2, x2, y, 2, "eth1",
                    List.of(new PeerSessions(b, found)), Instant.now(), false)).get(10, TimeUnit.SECONDS);
            assertEquals("active", ghostOf(ns, dataPath, x2));
            assertEquals(Set.of(known, late), dataPath.ghosts().stream().filter(g -> g.address().equals(x2))
                    .findFirst().orElseThrow().holders(), "the session not seen before holds the ghost too");
            assertEquals(Remapping.identity(late), dataPath.remapping(late), "not bound: not rewritten");
            dataPath.flush();
        }
    }

    /** The ghost of {@code address} as the ledger and the kernel's ghost set both have it: active or standby. */
    private static String ghostOf(TestNamespace ns, DataPath dataPath, InetAddress address) throws Exception {
        org.sacip.agent.datapath.Ghost ghost = dataPath.ghosts().stream().filter(g -> g.address().equals(address))
                .findFirst().orElseThrow(() -> new AssertionError("no ghost of " + address));
        boolean inKernel = ns.exec("nft", "list", "set", "inet", "sacip", "ghosts4")
                .matches("(?s).*\\b" + java.util.regex.Pattern.quote(address.getHostAddress()) + "\\b.*");
        assertEquals(ghost.active(), inKernel, "the ledger and the kernel's ghost set agree");
        return inKernel ? "active" : "standby";
    }

    @Test
    void aMoveMadeBeforeThePeerAnsweredTheLastOneWaitsForItsOwnConfirmation() throws Exception {
        List<Map<String, String>> converged = new CopyOnWriteArrayList<>();
        HandoverEvents events = convergedInto(converged);
        List<String> moves = new CopyOnWriteArrayList<>();
        try (TestNamespace ns = TestNamespace.create("hov");
                DataPath dataPath = DataPath.open(ns.netNamespace(), DataPathSettings.defaults(), Clock.systemUTC());
                Handover handover = resumedHandover(dataPath, events,
                        movesObserver(moves, new CopyOnWriteArrayList<>()))) {
            SessionTuple session = tuple(x, 40000, b, 22);
            Octets lineage = Octets.fromHex("0102030405060708");
            bindAtHome(handover, lineage, session);
            handover.execute(plan(x, y, session)).get(10, TimeUnit.SECONDS);
            apply(handover, new EngineChange(List.of(view(lineage, x, b, y, b)), List.of(), List.of(), List.of()));
            assertEquals(1, converged.size(), converged.toString());

            // Home, and away to Y again before the peer answered the return: the peer's last word is still Y, but
            // the update for home goes before this move's, so this move waits for Y confirmed after it.
            handover.execute(plan(MoveKind.RETURN_HOME, x, x, session, Instant.now(), true))
                    .get(10, TimeUnit.SECONDS);
            handover.execute(plan(MoveKind.ROUTE_CHANGE, x, y, session, Instant.now(), true))
                    .get(10, TimeUnit.SECONDS);
            // And the address leaving: the same move, still waiting.
            handover.execute(plan(x, y, session)).get(10, TimeUnit.SECONDS);
            apply(handover, new EngineChange(List.of(view(lineage, x, b, x, b)), List.of(), List.of(), List.of()));
            assertEquals(1, converged.size(), "the return home's answer is not this move's: " + converged);
            apply(handover, new EngineChange(List.of(view(lineage, x, b, y, b)), List.of(), List.of(), List.of()));
            assertEquals(2, converged.size(), "the move converged with the peer's answer to it: " + converged);
            assertEquals(y.getHostAddress(), converged.get(1).get("active"));
            assertEquals(List.of("started MAKE_BEFORE_BREAK", "MAKE_BEFORE_BREAK CONVERGED", "started RETURN_HOME",
                    "started ROUTE_CHANGE", "RETURN_HOME SUPERSEDED", "started MAKE_BEFORE_BREAK",
                    "ROUTE_CHANGE SUPERSEDED", "MAKE_BEFORE_BREAK CONVERGED"), moves);
            dataPath.flush();
        }
    }

    @Test
    void aCollisionFailsOnlyTheLineageThatCausesIt() throws Exception {
        try (TestNamespace ns = TestNamespace.create("hov");
                DataPath dataPath = DataPath.open(ns.netNamespace(), DataPathSettings.defaults(), Clock.systemUTC());
                Handover handover = resumedHandover(dataPath, HandoverEvents.NONE, observer())) {
            // Two peers B and C, each with a session from the same local port to the same remote port.
            SessionTuple withB = tuple(x, 40000, b, 22);
            SessionTuple withC = tuple(x, 40000, c, 22);
            SessionTuple other = tuple(x, 40001, b, 80);
            Octets lb = Octets.fromHex("0b0b0b0b0b0b0b0b");
            Octets lc = Octets.fromHex("0c0c0c0c0c0c0c0c");
            apply(handover, new EngineChange(List.of(view(lb, x, b, x, b), view(lc, x, c, x, c)), List.of(),
                    List.of(), List.of(new BindingChange(withB, Optional.of(lb), Optional.empty()),
                            new BindingChange(other, Optional.of(lb), Optional.empty()),
                            new BindingChange(withC, Optional.of(lc), Optional.empty()))));
            // B moved to B2 first; then C claims to have moved to B2 as well: both would need the same wire tuple.
            InetAddress b2 = ip("198.18.0.22");
            apply(handover, new EngineChange(List.of(view(lb, x, b, x, b2)), List.of(), List.of(), List.of()));
            Set<Octets> failed = apply(handover, new EngineChange(List.of(view(lc, x, c, x, b2)), List.of(),
                    List.of(), List.of()));
            assertEquals(Set.of(lc), failed, "C's move fails; it is not acknowledged");
            assertEquals(new Remapping(withB, x, x, b2), dataPath.remapping(withB));
            assertEquals(Remapping.identity(withC), dataPath.remapping(withC), "C's session left as it was");
            dataPath.flush();
        }
    }

    /**
     * Changes the engine hands over while the handover thread is busy are applied together where they touch different
     * lineages, with the outcome of applying them one by one: here the first binds 2,000 sessions (long enough for the
     * others to queue behind it), then B's move to B2 and C's claim of B2 come in that order: B's goes in, C's fails.
     */
    @Test
    void changesQueuedTogetherApplyAsIfOneByOne() throws Exception {
        try (TestNamespace ns = TestNamespace.create("hoq");
                DataPath dataPath = DataPath.open(ns.netNamespace(), DataPathSettings.defaults(), Clock.systemUTC());
                Handover handover = resumedHandover(dataPath, HandoverEvents.NONE, observer())) {
            Octets lb = Octets.fromHex("0b0b0b0b0b0b0b0b");
            Octets lc = Octets.fromHex("0c0c0c0c0c0c0c0c");
            Octets many = Octets.fromHex("0d0d0d0d0d0d0d0d");
            InetAddress d = ip("198.18.0.4");
            SessionTuple withB = tuple(x, 40000, b, 22);
            SessionTuple withC = tuple(x, 40000, c, 22);
            List<BindingChange> bulk = new ArrayList<>();
            for (int port = 20000; port < 22000; port++) {
                bulk.add(new BindingChange(tuple(x, port, d, 80), Optional.of(many), Optional.empty()));
            }
            InetAddress b2 = ip("198.18.0.22");
            List<java.util.concurrent.CompletableFuture<Set<Octets>>> results = List.of(
                    handover.apply(new EngineChange(List.of(view(many, x, d, x, d)), List.of(), List.of(), bulk))
                            .toCompletableFuture(),
                    handover.apply(new EngineChange(List.of(view(lb, x, b, x, b)), List.of(), List.of(),
                            List.of(new BindingChange(withB, Optional.of(lb), Optional.empty())))).toCompletableFuture(),
                    handover.apply(new EngineChange(List.of(view(lc, x, c, x, c)), List.of(), List.of(),
                            List.of(new BindingChange(withC, Optional.of(lc), Optional.empty())))).toCompletableFuture(),
                    handover.apply(new EngineChange(List.of(view(lb, x, b, x, b2)), List.of(), List.of(), List.of()))
                            .toCompletableFuture(),
                    handover.apply(new EngineChange(List.of(view(lc, x, c, x, b2)), List.of(), List.of(), List.of()))
                            .toCompletableFuture());
            List<Set<Octets>> failed = new ArrayList<>();
            for (var result : results) {
                failed.add(result.get(WAIT.toSeconds(), TimeUnit.SECONDS));
            }
            assertFalse(failed.get(3).contains(lb), "B's move goes in: " + failed);
            assertTrue(failed.get(4).contains(lc), "C's claim of B's new address fails: " + failed);
            assertEquals(new Remapping(withB, x, x, b2), dataPath.remapping(withB));
            assertEquals(Remapping.identity(withC), dataPath.remapping(withC), "C's session left as it was");
            assertEquals(Remapping.identity(tuple(x, 21999, d, 80)), dataPath.remapping(tuple(x, 21999, d, 80)));
            dataPath.flush();
        }
    }

    /** A handover over {@code dataPath}, saving into the test's directory, resumed with nothing saved before. */
    private Handover resumedHandover(DataPath dataPath, HandoverEvents events, Handover.Observer observer)
            throws Exception {
        Handover handover = new Handover(dataPath, new HandoverStore(state), events, Optional.empty(), observer,
                Clock.systemUTC());
        try {
            handover.resume(new HandoverStore.State(List.of(), Map.of()));
            return handover;
        } catch (Exception | Error e) {
            handover.close();
            throw e;
        }
    }

    /** Events that record the fields of each 'converged' event. */
    private static HandoverEvents convergedInto(List<Map<String, String>> converged) {
        return (type, summary, fields) -> {
            if (type == EventType.CONVERGED) {
                converged.add(fields);
            }
        };
    }

    /** The lineage between x and b at home, and the session bound to it. */
    private Set<Octets> bindAtHome(Handover handover, Octets lineage, SessionTuple session) throws Exception {
        return apply(handover, new EngineChange(List.of(view(lineage, x, b, x, b)), List.of(), List.of(),
                List.of(new BindingChange(session, Optional.of(lineage), Optional.empty()))));
    }

    private static Set<Octets> apply(Handover handover, EngineChange change) throws Exception {
        return handover.apply(change).toCompletableFuture().get(WAIT.toSeconds(), TimeUnit.SECONDS);
    }

    static AssociationView view(Octets lineage, InetAddress local, InetAddress peer, InetAddress confirmed,
            InetAddress peerCurrent) {
        return new AssociationView(lineage, lineage, SacipAddress.of(local), SacipAddress.of(peer),
                SacipAddress.of(confirmed), SacipAddress.of(confirmed), SacipAddress.of(peerCurrent), true,
                Instant.now(), 1, 0, 0, Optional.empty(), Optional.empty(), Optional.empty(), false, false,
                false, false);
    }

    /** The same lineage with its tunnel up. */
    private static AssociationView tunnelUp(AssociationView v) {
        return new AssociationView(v.lineage(), v.keyId(), v.localOriginal(), v.peerOriginal(), v.localCurrent(),
                v.localConfirmed(), v.peerCurrent(), v.initiator(), v.keyEstablished(), v.boundSessions(),
                v.lastSequenceSent(), v.lastSequenceReceived(), v.lastHeard(), v.roundTrip(), v.udpPeer(),
                v.localBehindNat(), v.peerBehindNat(), v.keepaliveUnanswered(), true);
    }

    private static MovePlan plan(InetAddress original, InetAddress newActive, SessionTuple session) {
        return plan(MoveKind.MAKE_BEFORE_BREAK, original, newActive, session, Instant.now(), false);
    }

    private static MovePlan plan(MoveKind kind, InetAddress original, InetAddress newActive, SessionTuple session,
            Instant seenAt, boolean originalInPlace) {
        List<Session> sessions = new ArrayList<>();
        sessions.add(new Session(session, SessionOrigin.TRACKED, 0));
        return new MovePlan(kind, original, original, newActive, 2, "eth1",
                List.of(new PeerSessions(session.remote().address(), sessions)), seenAt, originalInPlace);
    }

    /** Records our moves as they begin and end, and their convergence times. */
    private static Handover.Observer movesObserver(List<String> moves, List<Duration> convergence) {
        return new Handover.Observer() {
            @Override
            public void addresses(Set<InetAddress> ghosts, Set<InetAddress> sendingFrom) {
            }

            @Override
            public void movesOver(Set<InetAddress> originals) {
            }

            @Override
            public void moveStarted(MoveKind kind) {
                moves.add("started " + kind);
            }

            @Override
            public void moveEnded(MoveKind kind, MoveOutcome outcome, Optional<Duration> sinceEvent) {
                moves.add(kind + " " + outcome);
                sinceEvent.ifPresent(convergence::add);
            }
        };
    }

    static Handover.Observer observer() {
        return new Handover.Observer() {
            @Override
            public void addresses(Set<InetAddress> ghosts, Set<InetAddress> sendingFrom) {
            }

            @Override
            public void movesOver(Set<InetAddress> originals) {
            }
        };
    }

    static SessionTuple tuple(InetAddress local, int localPort, InetAddress remote, int remotePort) {
        return new SessionTuple(SessionProtocol.TCP, new Endpoint(local, localPort), new Endpoint(remote, remotePort));
    }

    static InetAddress ip(String text) {
        try {
            return InetAddress.getByName(text);
        } catch (java.net.UnknownHostException e) {
            throw new IllegalArgumentException(e);
        }
    }
}
