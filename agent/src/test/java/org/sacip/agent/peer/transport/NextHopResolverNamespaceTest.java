package org.sacip.agent.peer.transport;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import java.net.InetAddress;
import java.time.Duration;
import java.util.HexFormat;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.sacip.netlink.route.RtnetlinkClient;
import org.sacip.netlink.testing.TestNamespace;

/**
 * Which next hops the resolver keeps and when it asks the kernel again, against the real kernel: a namespace whose
 * neighbour entry for the peer is set by hand (so its MAC can change under the resolver), and the transport's own
 * count of routing changes from its rtnetlink events.
 */
class NextHopResolverNamespaceTest {
    private static final String MAC_1 = "02:00:5e:00:00:01";
    private static final String MAC_2 = "02:00:5e:00:00:02";

    private final NamespaceLab lab = new NamespaceLab();
    private final InetAddress local = address("198.18.1.1");
    private final InetAddress peer = address("198.18.1.2");

    @AfterEach
    void cleanUp() throws Exception {
        lab.close();
    }

    @Test
    void aReadyNextHopIsKeptUntilARoutingChangeIsCountedAndAnUnresolvedOneIsNeverKept() throws Exception {
        TestNamespace a = namespaceWithPeerLink();
        String link = TestNamespace.interfaceName("a0");
        AtomicLong changes = new AtomicLong();
        NextHopResolver resolver = resolverIn(a, changes::get, Duration.ofHours(1));
        setNeighbour(a, link, MAC_1);
        assertMac(MAC_1, resolver.lookup(local, peer));

        // A neighbour change is not a routing change: the next hop asked before is used again.
        setNeighbour(a, link, MAC_2);
        assertMac(MAC_1, resolver.lookup(local, peer));
        changes.incrementAndGet();
        assertMac(MAC_2, resolver.lookup(local, peer));

        // Unresolved is asked again every time: the first lookup after the entry is back finds it.
        a.exec("ip", "neigh", "del", peer.getHostAddress(), "dev", link);
        changes.incrementAndGet();
        assertInstanceOf(NextHopResolver.Lookup.Unresolved.class, resolver.lookup(local, peer));
        setNeighbour(a, link, MAC_1);
        assertMac(MAC_1, resolver.lookup(local, peer));
    }

    @Test
    void aNewPeerBehindAGatewayAlreadyAskedGetsItsNextHopByTheSameRules() throws Exception {
        TestNamespace a = namespaceWithPeerLink();
        String link = TestNamespace.interfaceName("a0");
        a.exec("ip", "route", "add", "198.18.50.0/24", "via", peer.getHostAddress(), "dev", link);
        AtomicLong changes = new AtomicLong();
        NextHopResolver resolver = resolverIn(a, changes::get, Duration.ofHours(1));
        setNeighbour(a, link, MAC_1);
        assertMac(MAC_1, resolver.lookup(local, address("198.18.50.1")));

        // Another peer through the same gateway: its route is asked, the gateway's interface and MAC are kept.
        setNeighbour(a, link, MAC_2);
        assertMac(MAC_1, resolver.lookup(local, address("198.18.50.2")));
        // The gateway's own entry, asked for as a peer of its own, is kept by the same rules.
        assertMac(MAC_1, resolver.lookup(local, peer));
        changes.incrementAndGet();
        assertMac(MAC_2, resolver.lookup(local, address("198.18.50.3")));

        // A peer the route sends elsewhere is not given the gateway's next hop.
        a.exec("ip", "route", "add", "198.18.51.0/24", "dev", link);
        changes.incrementAndGet();
        assertInstanceOf(NextHopResolver.Lookup.Unresolved.class, resolver.lookup(local, address("198.18.51.7")));
    }

    @Test
    void aKeptGatewayOlderThanItsLifetimeIsAskedAgain() throws Exception {
        TestNamespace a = namespaceWithPeerLink();
        String link = TestNamespace.interfaceName("a0");
        a.exec("ip", "route", "add", "198.18.50.0/24", "via", peer.getHostAddress(), "dev", link);
        NextHopResolver resolver = resolverIn(a, () -> 0, Duration.ZERO);
        setNeighbour(a, link, MAC_1);
        assertMac(MAC_1, resolver.lookup(local, address("198.18.50.1")));
        setNeighbour(a, link, MAC_2);
        assertMac(MAC_2, resolver.lookup(local, address("198.18.50.2")));
    }

    @Test
    void aReadyNextHopOlderThanItsLifetimeIsAskedAgain() throws Exception {
        TestNamespace a = namespaceWithPeerLink();
        String link = TestNamespace.interfaceName("a0");
        NextHopResolver resolver = resolverIn(a, () -> 0, Duration.ZERO);
        setNeighbour(a, link, MAC_1);
        assertMac(MAC_1, resolver.lookup(local, peer));
        setNeighbour(a, link, MAC_2);
        assertMac(MAC_2, resolver.lookup(local, peer));
    }

    @Test
    void theTransportCountsRouteAddressAndRuleChangesAsRoutingChanges() throws Exception {
        TestNamespace a = namespaceWithPeerLink();
        String link = TestNamespace.interfaceName("a0");
        PeerTransport transport = lab.start(a, new RecordingListener()).transport();
        long[] before = {transport.routingChanges()};
        String[][] changes = {
            {"ip", "route", "add", "198.18.50.0/24", "via", "198.18.1.2", "dev", link},
            {"ip", "addr", "add", "198.18.1.3/24", "dev", link},
            {"ip", "-6", "route", "add", "2001:db8:50::/64", "via", "2001:db8:1::2", "dev", link},
            {"ip", "rule", "add", "from", "198.18.1.3", "lookup", "100", "priority", "32000"}};
        for (String[] change : changes) {
            a.exec(change);
            Transports.await(() -> transport.routingChanges() > before[0], "a routing change counted after "
                    + String.join(" ", change), transport::routingChanges);
            before[0] = transport.routingChanges();
        }
    }

    private TestNamespace namespaceWithPeerLink() throws Exception {
        TestNamespace a = lab.namespace("a");
        TestNamespace b = lab.namespace("b");
        String aLink = TestNamespace.interfaceName("a0");
        a.linkTo(b, aLink, TestNamespace.interfaceName("b0"));
        a.addAddresses(aLink, "198.18.1.1/24", "2001:db8:1::1/64");
        return a;
    }

    /** A resolver over its own netlink client in the namespace; the client is closed before the namespace goes. */
    private NextHopResolver resolverIn(TestNamespace namespace, LongSupplier changes, Duration readyFor)
            throws Exception {
        return new NextHopResolver(lab.add(RtnetlinkClient.open(namespace.netNamespace())), changes, readyFor);
    }

    private void setNeighbour(TestNamespace namespace, String link, String mac) throws Exception {
        namespace.exec("ip", "neigh", "replace", peer.getHostAddress(), "lladdr", mac, "dev", link, "nud",
                "permanent");
    }

    private static void assertMac(String mac, NextHopResolver.Lookup lookup) {
        NextHopResolver.Lookup.Ready ready = assertInstanceOf(NextHopResolver.Lookup.Ready.class, lookup);
        assertArrayEquals(HexFormat.ofDelimiter(":").parseHex(mac), ready.hop().destinationMac(),
                "next hop's MAC: " + HexFormat.ofDelimiter(":").formatHex(ready.hop().destinationMac()));
        assertEquals(TestNamespace.interfaceName("a0"), ready.hop().interfaceName());
    }

    private static InetAddress address(String text) {
        try {
            return InetAddress.getByName(text);
        } catch (java.net.UnknownHostException e) {
            throw new IllegalArgumentException(e);
        }
    }
}
