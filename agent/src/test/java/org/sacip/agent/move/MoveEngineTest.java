package org.sacip.agent.move;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.sacip.agent.move.KernelFacts.LO;
import static org.sacip.agent.move.KernelFacts.added;
import static org.sacip.agent.move.KernelFacts.address;
import static org.sacip.agent.move.KernelFacts.down;
import static org.sacip.agent.move.KernelFacts.ghost;
import static org.sacip.agent.move.KernelFacts.ip;
import static org.sacip.agent.move.KernelFacts.link;
import static org.sacip.agent.move.KernelFacts.removed;
import static org.sacip.agent.move.KernelFacts.routeVia;
import static org.sacip.agent.move.KernelFacts.up;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.sacip.agent.session.PeerSessions;
import org.sacip.agent.session.Endpoint;
import org.sacip.agent.session.Session;
import org.sacip.agent.session.SessionProtocol;
import org.sacip.agent.session.SessionTuple;
import org.sacip.agent.session.SessionOrigin;
import org.sacip.netlink.diag.TransportProtocol;
import org.sacip.netlink.route.AddressFlag;
import org.sacip.netlink.route.LinkInfo;
import org.sacip.netlink.route.RouteInfo;
import org.sacip.netlink.route.RtnetlinkEvent;

/**
 * Move detection fed with typed events: the address table, the move state and the planner together, with the
 * sessions and the kernel's route answers given as data for each step.
 */
class MoveEngineTest {
    private static final LinkInfo ETH0 = link(2, "eth0", true);
    private static final LinkInfo ETH1 = link(3, "eth1", true);
    private static final String X = "198.18.0.1";
    private static final String Y = "198.18.0.2";
    private static final String Z = "198.18.1.2";
    private static final String PEER_A = "198.19.0.1";
    private static final String PEER_B = "198.19.0.2";

    private final AddressTable table = new AddressTable(ManagedScope.everything());
    private final Map<InetAddress, List<Session>> sessions = new HashMap<>();
    private final Map<InetAddress, RouteInfo> routes = new HashMap<>();
    private final MoveEngine engine = new MoveEngine(table,
            original -> sessions.getOrDefault(original, List.of()),
            peer -> Optional.ofNullable(routes.get(peer)));
    private int port = 40000;

    MoveEngineTest() throws Exception {
        engine.handle(table.reset(List.of(LO, ETH0, ETH1), List.of(address(2, X), address(2, "2001:db8::1"))),
                Instant.EPOCH, false);
    }

    private Session tcp(String local, String peer) {
        Session session = new Session(new SessionTuple(SessionProtocol.TCP, new Endpoint(ip(local), port++),
                new Endpoint(ip(peer), 443)), SessionOrigin.SOCKET, port);
        sessions.computeIfAbsent(ip(local), key -> new ArrayList<>()).add(session);
        return session;
    }

    private List<MovePlan> feed(RtnetlinkEvent event, long second) throws Exception {
        return engine.handle(table.apply(event), Instant.ofEpochSecond(second), false);
    }

    private static PeerSessions group(String peer, Session... members) {
        return new PeerSessions(ip(peer), List.of(members));
    }

    private static MovePlan plan(MoveKind kind, String original, String previous, String now, int index,
            String name, long second, PeerSessions... peers) {
        return new MovePlan(kind, ip(original), ip(previous), ip(now), index, name, List.of(peers),
                Instant.ofEpochSecond(second), kind == MoveKind.RETURN_HOME || kind == MoveKind.ROUTE_CHANGE);
    }

    @Test
    void makeBeforeBreakGroupsSessionsByPeer() throws Exception {
        Session a1 = tcp(X, PEER_A);
        Session a2 = tcp(X, PEER_A);
        Session b1 = tcp(X, PEER_B);
        assertEquals(List.of(), feed(added(address(2, Y, AddressFlag.SECONDARY)), 1));
        routes.put(ip(PEER_A), routeVia(PEER_A, Y, 2));
        routes.put(ip(PEER_B), routeVia(PEER_B, Y, 2));
        assertEquals(List.of(plan(MoveKind.MAKE_BEFORE_BREAK, X, X, Y, 2, "eth0", 2,
                group(PEER_A, a1, a2), group(PEER_B, b1))), feed(removed(address(2, X)), 2));
        assertEquals(Optional.of(ip(Y)), engine.activeAddress(ip(X)));
    }

    @Test
    void addressWithoutSessionsIsNoMove() throws Exception {
        routes.put(ip(PEER_A), routeVia(PEER_A, Y, 2));
        feed(added(address(2, Y)), 1);
        assertEquals(List.of(), feed(removed(address(2, X)), 2));
        assertEquals(List.of(), engine.waiting());
        assertEquals(Optional.empty(), engine.activeAddress(ip(X)));
    }

    @Test
    void breakBeforeMakeWaitsForTheNewAddressAndItsRoute() throws Exception {
        Session a = tcp(X, PEER_A);
        assertEquals(List.of(), feed(removed(address(2, X)), 1), "no source yet");
        assertEquals(List.of(ip(X)), engine.waiting());
        // The new address comes first, its route later: only then does the kernel pick it for the peer.
        assertEquals(List.of(), feed(added(address(3, Z)), 2));
        routes.put(ip(PEER_A), routeVia(PEER_A, Z, 3));
        RouteInfo defaultRoute = new RouteInfo(2, Optional.empty(), 0, 3, Optional.of(ip("198.18.1.254")),
                Optional.empty(), 254, RouteInfo.TYPE_UNICAST, 0, 3);
        List<MovePlan> plans = engine.handle(table.apply(new org.sacip.netlink.route.RouteEvent(
                org.sacip.netlink.route.RouteEvent.Kind.ADDED, defaultRoute)), Instant.ofEpochSecond(3), true);
        assertEquals(List.of(plan(MoveKind.BREAK_BEFORE_MAKE, X, X, Z, 3, "eth1", 1, group(PEER_A, a))), plans,
                "seenAt is the time of the event that started the move");
        assertEquals(List.of(), engine.waiting());
    }

    @Test
    void linkDownWithAddressLeftMovesAcrossInterfaces() throws Exception {
        Session a = tcp(X, PEER_A);
        feed(added(address(3, Z)), 1);
        routes.put(ip(PEER_A), routeVia(PEER_A, Z, 3));
        assertEquals(List.of(plan(MoveKind.LINK_DOWN, X, X, Z, 3, "eth1", 2, group(PEER_A, a))),
                feed(down(ETH0), 2));
        assertTrue(table.isConfigured(ip(X)));
    }

    @Test
    void ghostOrTentativeSourceIsNotANewAddressDadReadyIs() throws Exception {
        Session a = tcp("2001:db8::1", "2001:db8:9::1");
        feed(added(ghost("2001:db8::1")), 1);
        feed(added(address(2, "2001:db8::2", AddressFlag.TENTATIVE)), 2);
        // While the new address is under DAD the kernel falls back to the deprecated ghost: not a move target.
        routes.put(ip("2001:db8:9::1"), routeVia("2001:db8:9::1", "2001:db8::1", 1));
        assertEquals(List.of(), feed(removed(address(2, "2001:db8::1")), 3));
        routes.put(ip("2001:db8:9::1"), routeVia("2001:db8:9::1", "fe80::1", 2));
        assertEquals(List.of(), feed(added(address(2, "fe80::1")), 4), "link-local is no source for a global peer");
        routes.put(ip("2001:db8:9::1"), routeVia("2001:db8:9::1", "2001:db8::2", 2));
        assertEquals(List.of(plan(MoveKind.BREAK_BEFORE_MAKE, "2001:db8::1", "2001:db8::1", "2001:db8::2", 2,
                "eth0", 3, group("2001:db8:9::1", a))), feed(added(address(2, "2001:db8::2")), 5));
    }

    @Test
    void dadFailedAddressNeverBecomesTheNewSource() throws Exception {
        tcp("2001:db8::1", "2001:db8:9::1");
        feed(added(address(2, "2001:db8::2", AddressFlag.TENTATIVE)), 1);
        routes.put(ip("2001:db8:9::1"), routeVia("2001:db8:9::1", "2001:db8::2", 2));
        assertEquals(List.of(), feed(removed(address(2, "2001:db8::1")), 2));
        assertEquals(List.of(), feed(added(address(2, "2001:db8::2", AddressFlag.TENTATIVE, AddressFlag.DADFAILED)),
                3));
        assertEquals(List.of(ip("2001:db8::1")), engine.waiting());
    }

    @Test
    void chainedMovesKeepTheOriginalAndMovingBackIsHome() throws Exception {
        Session a = tcp(X, PEER_A);
        feed(added(address(2, Y)), 1);
        routes.put(ip(PEER_A), routeVia(PEER_A, Y, 2));
        assertEquals(List.of(plan(MoveKind.MAKE_BEFORE_BREAK, X, X, Y, 2, "eth0", 2, group(PEER_A, a))),
                feed(removed(address(2, X)), 2));
        feed(added(address(3, Z)), 3);
        routes.put(ip(PEER_A), routeVia(PEER_A, Z, 3));
        assertEquals(List.of(plan(MoveKind.MAKE_BEFORE_BREAK, X, Y, Z, 3, "eth1", 4, group(PEER_A, a))),
                feed(removed(address(2, Y)), 4), "X -> Y -> Z keeps X as the original");
        assertEquals(Optional.of(ip(Z)), engine.activeAddress(ip(X)));
        routes.put(ip(PEER_A), routeVia(PEER_A, X, 3));
        assertEquals(List.of(plan(MoveKind.RETURN_HOME, X, Z, X, 3, "eth1", 5, group(PEER_A, a))),
                feed(added(address(3, X)), 5), "X local again, on another interface, is home");
        assertEquals(Optional.empty(), engine.activeAddress(ip(X)));
    }

    @Test
    void linkComingBackUpWithTheAddressIsHome() throws Exception {
        Session a = tcp(X, PEER_A);
        feed(added(address(3, Z)), 1);
        routes.put(ip(PEER_A), routeVia(PEER_A, Z, 3));
        feed(down(ETH0), 2);
        routes.put(ip(PEER_A), routeVia(PEER_A, X, 2));
        assertEquals(List.of(plan(MoveKind.RETURN_HOME, X, Z, X, 2, "eth0", 3, group(PEER_A, a))),
                feed(up(ETH0), 3));
    }

    @Test
    void anAddressBackWhileTheRoutesStillPreferTheNewOneIsNoHomeUntilTheRouteComesBack() throws Exception {
        Session a = tcp(X, PEER_A);
        feed(added(address(3, Z)), 1);
        routes.put(ip(PEER_A), routeVia(PEER_A, Z, 3));
        feed(down(ETH0), 2);
        assertEquals(List.of(), feed(up(ETH0), 3), "the peer's route still prefers Z: the sessions stay there");
        assertEquals(Optional.of(ip(Z)), engine.activeAddress(ip(X)));
        routes.put(ip(PEER_A), routeVia(PEER_A, X, 2));
        assertEquals(List.of(plan(MoveKind.RETURN_HOME, X, Z, X, 2, "eth0", 4, group(PEER_A, a))),
                routesChanged(4));
    }

    @Test
    void afterTheLastSessionEndsTheAddressComingBackIsNoHome() throws Exception {
        tcp(X, PEER_A);
        feed(added(address(2, Y)), 1);
        routes.put(ip(PEER_A), routeVia(PEER_A, Y, 2));
        assertEquals(1, feed(removed(address(2, X)), 2).size());
        sessions.clear();
        engine.sessionsEnded(ip(X));
        assertEquals(Optional.empty(), engine.activeAddress(ip(X)));
        assertEquals(List.of(), feed(added(address(3, X)), 3));
    }

    @Test
    void addressBackBeforeAnyMoveCancelsTheWait() throws Exception {
        tcp(X, PEER_A);
        assertEquals(List.of(), feed(removed(address(2, X)), 1));
        assertEquals(List.of(), feed(added(address(2, X)), 2));
        assertEquals(List.of(), engine.waiting());
    }

    @Test
    void peersReachedThroughDifferentInterfacesGetOnePlanEach() throws Exception {
        Session a = tcp(X, PEER_A);
        Session b = tcp(X, PEER_B);
        feed(added(address(2, Y)), 1);
        feed(added(address(3, Z)), 1);
        routes.put(ip(PEER_A), routeVia(PEER_A, Y, 2));
        routes.put(ip(PEER_B), routeVia(PEER_B, Z, 3));
        assertEquals(List.of(plan(MoveKind.MAKE_BEFORE_BREAK, X, X, Y, 2, "eth0", 2, group(PEER_A, a)),
                plan(MoveKind.MAKE_BEFORE_BREAK, X, X, Z, 3, "eth1", 2, group(PEER_B, b))),
                feed(removed(address(2, X)), 2));
    }

    @Test
    void ipv4SessionNeverMovesToAnIpv6Address() throws Exception {
        tcp(X, PEER_A);
        // A route answer naming an IPv6 source for an IPv4 session's peer is refused as a family mismatch.
        routes.put(ip(PEER_A), routeVia("2001:db8:9::1", "2001:db8::1", 2));
        assertEquals(List.of(), feed(removed(address(2, X)), 1));
        assertEquals(List.of(), feed(added(address(3, "2001:db8:5::1")), 2));
        assertEquals(List.of(ip(X)), engine.waiting());
    }

    @Test
    void partlyResolvedMoveKeepsWaitingOnlyForTheRest() throws Exception {
        Session a = tcp(X, PEER_A);
        Session b = tcp(X, PEER_B);
        feed(added(address(2, Y)), 1);
        routes.put(ip(PEER_A), routeVia(PEER_A, Y, 2));
        assertEquals(List.of(plan(MoveKind.MAKE_BEFORE_BREAK, X, X, Y, 2, "eth0", 2, group(PEER_A, a))),
                feed(removed(address(2, X)), 2));
        routes.put(ip(PEER_B), routeVia(PEER_B, Y, 2));
        assertEquals(List.of(plan(MoveKind.BREAK_BEFORE_MAKE, X, X, Y, 2, "eth0", 2, group(PEER_B, b))),
                feed(added(address(3, Z)), 3), "only peer B is planned again");
        assertEquals(List.of(), engine.waiting());
    }

    // Moves for a route change: the address stays, the kernel's route to the peers prefers another source.

    private List<MovePlan> routesChanged(long second) throws Exception {
        return engine.routesChanged(sessions.keySet(), Instant.ofEpochSecond(second));
    }

    @Test
    void aRouteThatPrefersAnotherSourceMovesTheSessionsWhileTheirAddressStaysAndARouteBackBringsThemHome()
            throws Exception {
        Session a = tcp(X, PEER_A);
        Session b = tcp(X, PEER_B);
        feed(added(address(3, Z)), 1);
        routes.put(ip(PEER_A), routeVia(PEER_A, X, 2));
        routes.put(ip(PEER_B), routeVia(PEER_B, X, 2));
        assertEquals(List.of(), routesChanged(2), "the routes still prefer X");
        routes.put(ip(PEER_A), routeVia(PEER_A, Z, 3));
        routes.put(ip(PEER_B), routeVia(PEER_B, Z, 3));
        assertEquals(List.of(plan(MoveKind.ROUTE_CHANGE, X, X, Z, 3, "eth1", 3, group(PEER_A, a),
                group(PEER_B, b))), routesChanged(3));
        assertTrue(table.isUsable(ip(X)), "X is still there");
        assertEquals(Optional.of(ip(Z)), engine.activeAddress(ip(X)));
        assertEquals(List.of(), routesChanged(4), "nothing new: no second plan");
        routes.put(ip(PEER_A), routeVia(PEER_A, X, 2));
        routes.put(ip(PEER_B), routeVia(PEER_B, X, 2));
        assertEquals(List.of(plan(MoveKind.RETURN_HOME, X, Z, X, 2, "eth0", 5, group(PEER_A, a),
                group(PEER_B, b))), routesChanged(5));
        assertEquals(Optional.empty(), engine.activeAddress(ip(X)));
    }

    @Test
    void theSourceMostSessionsPreferWinsForAllOfThem() throws Exception {
        Session a1 = tcp(X, PEER_A);
        Session a2 = tcp(X, PEER_A);
        Session b = tcp(X, PEER_B);
        feed(added(address(3, Z)), 1);
        routes.put(ip(PEER_A), routeVia(PEER_A, Z, 3));
        routes.put(ip(PEER_B), routeVia(PEER_B, X, 2));
        assertEquals(List.of(plan(MoveKind.ROUTE_CHANGE, X, X, Z, 3, "eth1", 2, group(PEER_A, a1, a2),
                group(PEER_B, b))), routesChanged(2), "two sessions' routes prefer Z, one X's: X's move to Z");
    }

    @Test
    void anAddressThatLeavesAfterItsSessionsMovedForARouteChangeMovesAgainAsGone() throws Exception {
        Session a = tcp(X, PEER_A);
        feed(added(address(3, Z)), 1);
        routes.put(ip(PEER_A), routeVia(PEER_A, Z, 3));
        assertEquals(List.of(plan(MoveKind.ROUTE_CHANGE, X, X, Z, 3, "eth1", 2, group(PEER_A, a))),
                routesChanged(2));
        // The plan for the loss says X left: its ghost becomes active now (the peer heard of Z already).
        assertEquals(List.of(plan(MoveKind.MAKE_BEFORE_BREAK, X, X, Z, 3, "eth1", 3, group(PEER_A, a))),
                feed(removed(address(2, X)), 3));
        assertEquals(List.of(), routesChanged(4), "a lost address is the loss's business, not the routes'");
    }

    @Test
    void aRouteChangeCostsOneLookupPerPeerAndAtMostABoundPerAddress() throws Exception {
        List<InetAddress> asked = new ArrayList<>();
        MoveEngine counting = new MoveEngine(table, original -> sessions.getOrDefault(original, List.of()), peer -> {
            asked.add(peer);
            return Optional.of(routeVia(peer.getHostAddress(), Z, 3));
        });
        feed(added(address(3, Z)), 1);
        feed(added(address(2, Y)), 1);
        for (int i = 1; i <= MoveEngine.ROUTE_LOOKUPS_PER_ADDRESS + 8; i++) {
            tcp(X, "198.19.1." + i);
            tcp(Y, "198.19.1." + i);
        }
        List<MovePlan> plans = counting.routesChanged(sessions.keySet(), Instant.ofEpochSecond(2));
        assertEquals(2, plans.size(), "X and Y move to Z: " + plans);
        assertEquals(MoveEngine.ROUTE_LOOKUPS_PER_ADDRESS, new java.util.HashSet<>(asked).size(),
                "the peers both addresses share were looked up once: " + asked.size() + " lookups");
        assertEquals(asked.size(), new java.util.HashSet<>(asked).size(), "never twice for one change");
        assertEquals(MoveEngine.ROUTE_LOOKUPS_PER_ADDRESS + 8, plans.get(0).peers().size(),
                "the plan covers every peer of the address");
    }

    @Test
    void sessionsOfAnAddressTheRoutesNeverPreferredStayWhereTheyAreWhenRoutesChange() throws Exception {
        // A server with a service address Y beside its primary X on the same link: new connections take X.
        feed(added(address(2, Y)), 1);
        Session served = tcp(Y, PEER_A);
        routes.put(ip(PEER_A), routeVia(PEER_A, X, 2));
        assertEquals(List.of(), routesChanged(2), "Y's sessions leave through the link they always did");
        assertEquals(List.of(), routesChanged(3), "nor at any later route change that keeps X preferred");
        assertEquals(Optional.empty(), engine.activeAddress(ip(Y)));
        // A route on the other link now: Y's packets would leave elsewhere, so they follow.
        feed(added(address(3, Z)), 4);
        routes.put(ip(PEER_A), routeVia(PEER_A, Z, 3));
        assertEquals(List.of(plan(MoveKind.ROUTE_CHANGE, Y, Y, Z, 3, "eth1", 5, group(PEER_A, served))),
                routesChanged(5));
    }

    @Test
    void aRouteThatSwitchesToAnotherAddressOfTheSameLinkMovesTheSessionsItPreferredBefore() throws Exception {
        feed(added(address(2, Y)), 1);
        Session a = tcp(X, PEER_A);
        routes.put(ip(PEER_A), routeVia(PEER_A, X, 2));
        assertEquals(List.of(), routesChanged(2), "the routes prefer X");
        routes.put(ip(PEER_A), routeVia(PEER_A, Y, 2));
        assertEquals(List.of(plan(MoveKind.ROUTE_CHANGE, X, X, Y, 2, "eth0", 3, group(PEER_A, a))),
                routesChanged(3), "same link, but the preferred source changed from X to Y");
    }
}
