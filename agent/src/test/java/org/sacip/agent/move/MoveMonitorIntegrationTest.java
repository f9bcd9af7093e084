package org.sacip.agent.move;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.sacip.agent.session.PeerSessions;
import org.sacip.agent.session.Session;
import org.sacip.agent.session.SessionDiscovery;
import org.sacip.agent.session.SessionTuple;
import org.sacip.netlink.NetlinkException;

/**
 * Moves made with `ip` in throwaway namespaces, watched by a real {@link MoveMonitor} that finds the sessions of a lost
 * address with {@link SessionDiscovery} (sock_diag and conntrack): each must produce the right plan with exactly the
 * sessions the test opened, grouped by peer, and the source the kernel's route lookup now gives. (How sessions end,
 * and the peer's view of them, is the session tracker's: SessionTrackerIntegrationTest.)
 */
@Tag("integration")
class MoveMonitorIntegrationTest {
    private static final Duration GENEROUS = Duration.ofSeconds(20);
    private static final String X = "198.18.0.1";
    private static final String Y = "198.18.0.2";
    private static final String Z = "198.18.1.1";
    private static final String PEER_A = "198.19.0.1";
    private static final String PEER_B = "198.19.0.2";

    /** host: X on link 0; peer: gateways .254 on both links and two peer addresses on its lo. */
    static void ipv4Lab(TwoHosts lab) throws Exception {
        lab.inPeer("ip", "addr", "add", "198.18.0.254/24", "dev", lab.peerLinks[0]);
        lab.inPeer("ip", "addr", "add", "198.18.1.254/24", "dev", lab.peerLinks[1]);
        lab.inPeer("ip", "addr", "add", PEER_A + "/32", "dev", "lo");
        lab.inPeer("ip", "addr", "add", PEER_B + "/32", "dev", "lo");
        for (int link = 0; link < 2; link++) {
            lab.inPeer("ip", "link", "set", lab.peerLinks[link], "up");
            lab.inHost("ip", "link", "set", lab.hostLinks[link], "up");
        }
        lab.inHost("ip", "addr", "add", X + "/24", "dev", lab.hostLinks[0]);
        lab.inHost("ip", "route", "add", "198.19.0.0/24", "via", "198.18.0.254", "metric", "10");
        // conntrack only tracks a namespace once a rule uses it; the agent's host may have no such rule, the test
        // needs one to see unconnected UDP flows.
        lab.inHost("nft", "add table inet sacip_test; add chain inet sacip_test out { type filter hook output"
                + " priority 0; }; add rule inet sacip_test out ct state new counter");
        lab.inPeer("nft", "add table inet sacip_test; add chain inet sacip_test in { type filter hook input"
                + " priority 0; }; add rule inet sacip_test in ct state new counter");
    }

    /** Finds the sessions of an address in the host namespace, for {@link #monitor}. */
    static SessionDiscovery discovery(TwoHosts lab) throws NetlinkException {
        return SessionDiscovery.open(Optional.of(lab.hostNamespace()));
    }

    static MoveMonitor monitor(TwoHosts lab, SessionDiscovery discovery) throws NetlinkException {
        return MoveMonitor.open(Optional.of(lab.hostNamespace()), ManagedScope.everything(), Clock.systemUTC(),
                discovery::withLocalAddress);
    }

    /** As the agent runs it: route changes move the sessions of {@code originals} too. */
    static MoveMonitor monitorFollowingRoutes(TwoHosts lab, SessionDiscovery discovery, String... originals)
            throws Exception {
        Set<InetAddress> addresses = new java.util.HashSet<>();
        for (String original : originals) {
            addresses.add(InetAddress.getByName(original));
        }
        return MoveMonitor.open(Optional.of(lab.hostNamespace()), ManagedScope.everything(), Clock.systemUTC(),
                discovery::withLocalAddress, new MoveMonitor.Surroundings() {
                    @Override
                    public Set<InetAddress> originals() {
                        return addresses;
                    }

                    @Override
                    public boolean ownRoute(org.sacip.netlink.route.RouteInfo route) {
                        return false;
                    }

                    @Override
                    public void kernelChanged() {
                    }
                });
    }

    /** Polls until at least one plan came (or the generous limit passed); returns every plan seen. */
    private static List<MovePlan> plansFrom(MoveMonitor monitor) throws NetlinkException {
        List<MovePlan> plans = new ArrayList<>();
        long deadline = System.nanoTime() + GENEROUS.toNanos();
        while (plans.isEmpty() && System.nanoTime() < deadline) {
            plans.addAll(monitor.poll(Duration.ofMillis(200)));
        }
        // Anything that arrives right behind the first plan belongs to the same move.
        plans.addAll(monitor.poll(Duration.ofMillis(300)));
        return plans;
    }

    /** The plans made until the monitor sees {@code address} usable (and those of the events right behind). */
    private static List<MovePlan> plansUntilUsable(MoveMonitor monitor, String address) throws Exception {
        InetAddress awaited = InetAddress.getByName(address);
        List<MovePlan> plans = new ArrayList<>();
        long deadline = System.nanoTime() + GENEROUS.toNanos();
        while (!monitor.table().usableAddresses().containsKey(awaited)) {
            assertTrue(System.nanoTime() < deadline, "the monitor did not see " + address + " usable again");
            plans.addAll(monitor.poll(Duration.ofMillis(100)));
        }
        plans.addAll(monitor.poll(Duration.ofMillis(300)));
        return plans;
    }

    private static Map<InetAddress, Set<SessionTuple>> byPeer(MovePlan plan) {
        Map<InetAddress, Set<SessionTuple>> groups = new HashMap<>();
        for (PeerSessions group : plan.peers()) {
            groups.put(group.peer(), group.sessions().stream().map(Session::tuple).collect(Collectors.toSet()));
        }
        return groups;
    }

    private static void assertPlan(MovePlan plan, MoveKind kind, String original, String newActive,
            String interfaceName, LabSessions sessions, Instant before) throws Exception {
        assertEquals(kind, plan.kind(), plan.toString());
        assertEquals(InetAddress.getByName(original), plan.original());
        assertEquals(InetAddress.getByName(newActive), plan.newActive());
        assertEquals(interfaceName, plan.interfaceName());
        assertEquals(sessions.expectedByPeer(), byPeer(plan), "exactly the sessions the test opened, by peer");
        assertTrue(!plan.seenAt().isBefore(before), "seen after the test changed the address");
    }

    /** The `ip addr` line of one address on link 0 of the host, with its flags. */
    private static String addressLine(TwoHosts lab, String address) throws Exception {
        return lab.inHost("ip", "-6", "addr", "show", "dev", lab.hostLinks[0]).lines()
                .filter(line -> line.contains(" " + address + " ")).findFirst().orElse("");
    }

    /**
     * The source routes hear at once when a rule or route of theirs goes (someone else's {@code ip rule del}, a
     * flushed table) or another program's rule changes, and not about the rules and routes they add themselves: so
     * their periodic check can be rare.
     */
    @Test
    void theSourceRoutesHearOfTheirRulesAndRoutesGoingButNotOfTheirOwnAdditions() throws Exception {
        try (TwoHosts lab = TwoHosts.create()) {
            ipv4Lab(lab);
            java.util.concurrent.atomic.AtomicInteger told = new java.util.concurrent.atomic.AtomicInteger();
            try (SessionDiscovery discovery = discovery(lab); MoveMonitor monitor = MoveMonitor.open(
                    Optional.of(lab.hostNamespace()), ManagedScope.everything(), Clock.systemUTC(),
                    discovery::withLocalAddress, new MoveMonitor.Surroundings() {
                        @Override
                        public Set<InetAddress> originals() {
                            return Set.of();
                        }

                        @Override
                        public boolean ownRoute(org.sacip.netlink.route.RouteInfo route) {
                            return route.protocol() == 93;
                        }

                        @Override
                        public boolean ownRule(org.sacip.netlink.route.RoutingRule rule) {
                            return rule.protocol() == 93;
                        }

                        @Override
                        public void kernelChanged() {
                            told.incrementAndGet();
                        }
                    })) {
                // The lab's links come up (carrier) after the set-up returned: those events are the host's.
                long quietBy = System.nanoTime() + GENEROUS.toNanos();
                while (!monitor.poll(Duration.ofMillis(500)).isEmpty() | told.getAndSet(0) > 0) {
                    assertTrue(System.nanoTime() < quietBy, "the lab's own events still coming");
                }
                lab.inHost("ip", "rule", "add", "pref", "1001", "from", X, "lookup", "5000", "proto", "93");
                lab.inHost("ip", "route", "add", "default", "via", "198.18.0.254", "table", "5000", "proto", "93");
                monitor.poll(Duration.ofMillis(500));
                assertEquals(0, told.get(), "our own rule and route added: nothing to tell");

                lab.inHost("ip", "rule", "del", "pref", "1001");
                assertTold(monitor, told, "our rule deleted by someone else");
                lab.inHost("ip", "route", "flush", "table", "5000");
                assertTold(monitor, told, "our table flushed by someone else");
                lab.inHost("ip", "rule", "add", "pref", "1500", "from", Y, "lookup", "100");
                assertTold(monitor, told, "another program's rule added");
                lab.inHost("ip", "-6", "rule", "add", "pref", "1501", "from", "2001:db8::9", "lookup", "100");
                assertTold(monitor, told, "another program's IPv6 rule added");
            }
        }
    }

    private static void assertTold(MoveMonitor monitor, java.util.concurrent.atomic.AtomicInteger told, String what)
            throws NetlinkException {
        long deadline = System.nanoTime() + GENEROUS.toNanos();
        while (told.get() == 0 && System.nanoTime() < deadline) {
            monitor.poll(Duration.ofMillis(100));
        }
        assertTrue(told.getAndSet(0) > 0, what + ": the source routes were not told");
        // What follows in the same burst belongs to this change.
        monitor.poll(Duration.ofMillis(200));
        told.set(0);
    }

    @Test
    void makeBeforeBreakWithPromotedSecondary() throws Exception {
        try (TwoHosts lab = TwoHosts.create()) {
            ipv4Lab(lab);
            try (SessionDiscovery discovery = discovery(lab); MoveMonitor monitor = monitor(lab, discovery);
                    LabSessions sessions = new LabSessions(lab, X)) {
                assertEquals("1", lab.inHost("sysctl", "-n", "net.ipv4.conf." + lab.hostLinks[0]
                        + ".promote_secondaries").trim());
                assertEquals("2", lab.inHost("sysctl", "-n", "net.ipv4.conf." + lab.hostLinks[0]
                        + ".arp_announce").trim());
                sessions.tcp(PEER_A);
                sessions.tcp(PEER_A);
                sessions.connectedUdp(PEER_A);
                sessions.tcp(PEER_B);
                sessions.unconnectedUdp(PEER_B);
                Instant before = Instant.now();
                lab.inHost("ip", "addr", "add", Y + "/24", "dev", lab.hostLinks[0]);
                lab.inHost("ip", "addr", "del", X + "/24", "dev", lab.hostLinks[0]);
                List<MovePlan> plans = plansFrom(monitor);
                assertEquals(1, plans.size(), plans.toString());
                assertPlan(plans.get(0), MoveKind.MAKE_BEFORE_BREAK, X, Y, lab.hostLinks[0], sessions, before);
                assertEquals(Y, lab.hostSourceFor(PEER_A), "the kernel's own choice of source");
                assertEquals(Optional.of(InetAddress.getByName(Y)), monitor.activeAddress(InetAddress.getByName(X)));
            }
        }
    }

    @Test
    void eventsLostToAFullBufferAreRecoveredByARedump() throws Exception {
        java.nio.file.Path batch = java.nio.file.Files.createTempFile("sacip-t" + ProcessHandle.current().pid(),
                ".ip");
        try (TwoHosts lab = TwoHosts.create()) {
            ipv4Lab(lab);
            try (SessionDiscovery discovery = discovery(lab); MoveMonitor monitor = monitor(lab, discovery);
                    LabSessions sessions = new LabSessions(lab, X)) {
                sessions.tcp(PEER_A);
                sessions.tcp(PEER_B);
                // Far more notifications than the subscription's buffer holds, while nobody reads, then the move.
                StringBuilder lines = new StringBuilder();
                for (int i = 0; i < 12_000; i++) {
                    lines.append("addr add 198.18.").append(64 + i / 256).append('.').append(i % 256)
                            .append("/32 dev ").append(lab.hostLinks[1]).append('\n');
                }
                lines.append("addr add ").append(Y).append("/24 dev ").append(lab.hostLinks[0]).append('\n');
                lines.append("addr del ").append(X).append("/24 dev ").append(lab.hostLinks[0]).append('\n');
                java.nio.file.Files.writeString(batch, lines);
                Instant before = Instant.now();
                lab.inHost("ip", "-batch", batch.toString());
                List<MovePlan> plans = plansFrom(monitor);
                assertTrue(monitor.overruns() > 0, "the buffer did overflow");
                assertEquals(1, plans.size(), plans.toString());
                assertPlan(plans.get(0), MoveKind.MAKE_BEFORE_BREAK, X, Y, lab.hostLinks[0], sessions, before);
            }
        } finally {
            java.nio.file.Files.deleteIfExists(batch);
        }
    }

    @Test
    void chainedMoveKeepsTheOriginalAddress() throws Exception {
        try (TwoHosts lab = TwoHosts.create()) {
            ipv4Lab(lab);
            try (SessionDiscovery discovery = discovery(lab); MoveMonitor monitor = monitor(lab, discovery);
                    LabSessions sessions = new LabSessions(lab, X)) {
                sessions.tcp(PEER_A);
                sessions.tcp(PEER_B);
                lab.inHost("ip", "addr", "add", Y + "/24", "dev", lab.hostLinks[0]);
                lab.inHost("ip", "addr", "del", X + "/24", "dev", lab.hostLinks[0]);
                assertEquals(1, plansFrom(monitor).size());
                lab.inHost("ip", "addr", "add", Z + "/24", "dev", lab.hostLinks[1]);
                lab.inHost("ip", "route", "add", "198.19.0.0/24", "via", "198.18.1.254", "metric", "20");
                Instant before = Instant.now();
                lab.inHost("ip", "addr", "del", Y + "/24", "dev", lab.hostLinks[0]);
                List<MovePlan> plans = plansFrom(monitor);
                assertEquals(1, plans.size(), plans.toString());
                assertPlan(plans.get(0), MoveKind.MAKE_BEFORE_BREAK, X, Z, lab.hostLinks[1], sessions, before);
                assertEquals(InetAddress.getByName(Y), plans.get(0).previousActive());
                assertEquals(Z, lab.hostSourceFor(PEER_A));
            }
        }
    }

    @Test
    void breakBeforeMakeAcrossInterfacesWaitsForAddressAndRoute() throws Exception {
        try (TwoHosts lab = TwoHosts.create()) {
            ipv4Lab(lab);
            try (SessionDiscovery discovery = discovery(lab); MoveMonitor monitor = monitor(lab, discovery);
                    LabSessions sessions = new LabSessions(lab, X)) {
                sessions.tcp(PEER_A);
                sessions.tcp(PEER_B);
                Instant before = Instant.now();
                lab.inHost("ip", "addr", "del", X + "/24", "dev", lab.hostLinks[0]);
                assertEquals(List.of(), monitor.poll(Duration.ofMillis(500)), "no source yet");
                lab.inHost("ip", "addr", "add", Z + "/24", "dev", lab.hostLinks[1]);
                lab.inHost("ip", "route", "add", "198.19.0.0/24", "via", "198.18.1.254", "metric", "20");
                List<MovePlan> plans = plansFrom(monitor);
                assertEquals(1, plans.size(), plans.toString());
                assertPlan(plans.get(0), MoveKind.BREAK_BEFORE_MAKE, X, Z, lab.hostLinks[1], sessions, before);
                assertEquals(Z, lab.hostSourceFor(PEER_B));
            }
        }
    }

    @Test
    void linkDownWithAddressLeftThenBackUpIsHomeOnceTheRouteToThePeersIsBack() throws Exception {
        try (TwoHosts lab = TwoHosts.create()) {
            ipv4Lab(lab);
            lab.inHost("ip", "addr", "add", Z + "/24", "dev", lab.hostLinks[1]);
            lab.inHost("ip", "route", "add", "198.19.0.0/24", "via", "198.18.1.254", "metric", "20");
            try (SessionDiscovery discovery = discovery(lab);
                    MoveMonitor monitor = monitorFollowingRoutes(lab, discovery, X);
                    LabSessions sessions = new LabSessions(lab, X)) {
                sessions.tcp(PEER_A);
                sessions.connectedUdp(PEER_B);
                Instant before = Instant.now();
                lab.inHost("ip", "link", "set", lab.hostLinks[0], "down");
                List<MovePlan> plans = plansFrom(monitor);
                assertEquals(1, plans.size(), plans.toString());
                assertPlan(plans.get(0), MoveKind.LINK_DOWN, X, Z, lab.hostLinks[1], sessions, before);
                assertTrue(lab.inHost("ip", "-4", "addr", "show", "dev", lab.hostLinks[0]).contains(X),
                        "the address is still configured");
                assertEquals(Z, lab.hostSourceFor(PEER_A));

                // The link's routes went with its carrier: back up, the peers' route still prefers Z, so the
                // sessions stay there (X's packets would leave through the other link).
                lab.inHost("ip", "link", "set", lab.hostLinks[0], "up");
                List<MovePlan> early = plansUntilUsable(monitor, X);
                assertEquals(List.of(), early, "X usable again, but the route to the peers still prefers Z");
                assertEquals(Optional.of(InetAddress.getByName(Z)), monitor.activeAddress(InetAddress.getByName(X)));

                Instant beforeRoute = Instant.now();
                lab.inHost("ip", "route", "add", "198.19.0.0/24", "via", "198.18.0.254", "metric", "10");
                List<MovePlan> home = plansFrom(monitor);
                assertEquals(1, home.size(), home.toString());
                assertPlan(home.get(0), MoveKind.RETURN_HOME, X, X, lab.hostLinks[0], sessions, beforeRoute);
                assertEquals(InetAddress.getByName(Z), home.get(0).previousActive());
                assertEquals(Optional.empty(), monitor.activeAddress(InetAddress.getByName(X)));
            }
        }
    }

    @Test
    void ipv6MoveWaitsForDuplicateAddressDetection() throws Exception {
        try (TwoHosts lab = TwoHosts.create()) {
            for (int link = 0; link < 2; link++) {
                lab.inPeer("ip", "link", "set", lab.peerLinks[link], "up");
                lab.inHost("ip", "link", "set", lab.hostLinks[link], "up");
            }
            lab.inPeer("ip", "addr", "add", "2001:db8::fe/64", "dev", lab.peerLinks[0], "nodad");
            lab.inPeer("ip", "addr", "add", "2001:db8:9::1/128", "dev", "lo");
            lab.inHost("sysctl", "-qw", "net.ipv6.conf." + lab.hostLinks[0] + ".accept_dad=1",
                    "net.ipv6.conf." + lab.hostLinks[0] + ".dad_transmits=1");
            lab.inHost("ip", "addr", "add", "2001:db8::1/64", "dev", lab.hostLinks[0], "nodad");
            lab.inHost("ip", "route", "add", "2001:db8:9::/64", "via", "2001:db8::fe");
            try (SessionDiscovery discovery = discovery(lab); MoveMonitor monitor = monitor(lab, discovery);
                    LabSessions sessions = new LabSessions(lab, "2001:db8::1")) {
                sessions.tcp("2001:db8:9::1");
                sessions.connectedUdp("2001:db8:9::1");
                Instant before = Instant.now();
                lab.inHost("ip", "addr", "add", "2001:db8::2/64", "dev", lab.hostLinks[0]);
                assertTrue(addressLine(lab, "2001:db8::2/64").contains("tentative"), "the new address is under DAD");
                lab.inHost("ip", "addr", "del", "2001:db8::1/64", "dev", lab.hostLinks[0]);
                List<MovePlan> plans = plansFrom(monitor);
                assertEquals(1, plans.size(), plans.toString());
                assertPlan(plans.get(0), MoveKind.BREAK_BEFORE_MAKE, "2001:db8::1", "2001:db8::2",
                        lab.hostLinks[0], sessions, before);
                assertTrue(!addressLine(lab, "2001:db8::2/64").contains("tentative"),
                        "the plan came after DAD finished");
                assertEquals("2001:db8::2", lab.hostSourceFor("2001:db8:9::1"));
            }
        }
    }
}
