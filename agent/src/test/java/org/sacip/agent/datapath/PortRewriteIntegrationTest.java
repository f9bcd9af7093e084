package org.sacip.agent.datapath;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.sacip.agent.datapath.KernelState.TIMEOUT;
import static org.sacip.agent.datapath.KernelState.elements;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.sacip.agent.session.Endpoint;
import org.sacip.agent.session.SessionProtocol;
import org.sacip.agent.session.SessionTuple;
import org.sacip.netlink.conntrack.ConntrackClient;
import org.sacip.netlink.conntrack.ConntrackEntry;
import org.sacip.netlink.conntrack.ConntrackTcpState;
import org.sacip.netlink.conntrack.FlowTuple;
import org.sacip.netlink.nftables.Element;
import org.sacip.netlink.nftables.NfTablesConnection;
import org.sacip.netlink.nftables.PortMapElement;
import org.sacip.netlink.nftables.SetReference;
import org.sacip.netlink.nftables.TupleKey;

/**
 * Issue "Through NAT": host A behind a NAT (X, masqueraded as N with a port of 61000-61100) has a TCP stream, data
 * both ways, and a connected UDP flow with B, whose sockets know A as N:p1. A moves the sessions to A1 on a direct
 * path without the NAT (its data path sends from A1, port unchanged); B remaps them to A1 and A's own port. Then
 * everything goes on, with only A1 on B's wire and B's conntrack and sockets still on N:p1; with B's port entries
 * deleted, nothing gets through either way (it is the port maps that carry it), and B's restore brings it back.
 * IPv4 and IPv6 (the NAT is NAT66 there: the port maps do not care).
 */
@Tag("integration")
class PortRewriteIntegrationTest {
    private static final int TCP_PORT = 5001;
    private static final int UDP_PORT = 7001;
    /** A's ports: below the NAT's range, so the NAT always translates them. */
    private static final int A_TCP_PORT = 40000;
    private static final int A_UDP_PORT = 40001;
    private static final long PROGRESS = 8 * 1024;
    /** Long enough for a flowing stream (a 2 ms pace) to move many times over. */
    private static final Duration STALL = Duration.ofMillis(1500);

    @ParameterizedTest(name = "ipv6={0}")
    @ValueSource(booleans = {false, true})
    void sessionsKnownThroughANatSurviveTheMoveToADirectPath(boolean ipv6) throws Exception {
        TestClock clock = new TestClock();
        try (NattedHosts hosts = NattedHosts.create("port", ipv6);
                DataPath pathA = MoveOfA.dataPath(hosts.a, clock);
                DataPath pathB = MoveOfA.dataPath(hosts.b, clock)) {
            InetAddress x = hosts.ip.x();
            InetAddress a1 = hosts.ip.y();
            InetAddress b = hosts.ip.b();
            InetAddress nat = hosts.nat();
            // Installed first: the ruleset turns conntrack on, so B tracks the sessions from their first packet.
            pathA.install();
            pathB.install();
            WatchTable wire = wire(hosts);
            wire.load(hosts.b);

            Connections.Tcp tcp = Connections.tcp(hosts.b, b, TCP_PORT, hosts.a, x, A_TCP_PORT);
            SessionTuple tcpAtA = tcp.atClient();
            SessionTuple tcpAtB = tcp.atServer();
            assertEquals(nat, tcpAtB.remote().address(), "B knows A by the NAT's address");
            int tcpNatPort = tcpAtB.remote().port();
            assertTrue(tcpNatPort >= NattedHosts.NAT_FIRST_PORT && tcpNatPort <= NattedHosts.NAT_LAST_PORT,
                    "B knows A by the NAT's port: " + tcpAtB);

            try (DatagramChannel udpB = Connections.udp(hosts.b, b, UDP_PORT, null);
                    DatagramChannel udpA = Connections.udp(hosts.a, x, A_UDP_PORT,
                            new InetSocketAddress(b, UDP_PORT));
                    CounterStream up = new CounterStream(tcp.client(), tcp.accepted());
                    CounterStream down = new CounterStream(tcp.accepted(), tcp.client())) {
                InetSocketAddress udpNat = firstSource(udpA, udpB);
                assertEquals(nat, udpNat.getAddress());
                udpB.connect(udpNat);
                SessionTuple udpAtA = new SessionTuple(SessionProtocol.UDP, new Endpoint(x, A_UDP_PORT),
                        new Endpoint(b, UDP_PORT));
                SessionTuple udpAtB = new SessionTuple(SessionProtocol.UDP, new Endpoint(b, UDP_PORT),
                        new Endpoint(nat, udpNat.getPort()));
                flowing(up, down, "through the NAT");
                exchange(udpA, udpB, "through the NAT");

                // A announces A1 (receives there), B follows to A1 and A's own ports, A confirmed sends from A1:
                // by its source rule, on the direct path.
                pathA.commit(List.of(Moves.announced(tcpAtA, a1), Moves.announced(udpAtA, a1)), List.of(),
                        List.of());
                Remapping tcpRemapping = new Remapping(tcpAtB, b, b, a1, A_TCP_PORT);
                Remapping udpRemapping = new Remapping(udpAtB, b, b, a1, A_UDP_PORT);
                pathB.commit(List.of(tcpRemapping, udpRemapping), List.of(), List.of());
                pathA.commit(List.of(Moves.confirmed(tcpAtA, a1), Moves.confirmed(udpAtA, a1)), List.of(),
                        List.of());

                flowing(up, down, "on the direct path");
                exchange(udpA, udpB, "on the direct path");
                ExpectedElements expectedB = new ExpectedElements().remapping(tcpRemapping).remapping(udpRemapping);
                assertEquals(new ExpectedElements().remapping(Moves.confirmed(tcpAtA, a1))
                        .remapping(Moves.confirmed(udpAtA, a1)).bySet(), elements(hosts.a));
                assertEquals(expectedB.bySet(), elements(hosts.b));
                assertEquals(4, portElements(expectedB).size(), "B's port entries: in and out, TCP and UDP");
                assertFalse(pathB.restore(), "B's port elements read back from the kernel equal the committed ones");
                assertWireIsDirect(hosts, wire, up);
                assertConntrackKeepsTheNatTuple(hosts, tcpAtB, udpAtB, a1);
                assertEquals(new InetSocketAddress(nat, tcpNatPort), tcp.accepted().getRemoteSocketAddress());
                assertEquals(udpNat, udpB.getRemoteAddress());

                // Without B's port entries (its address entries stay) nothing gets through, either way.
                try (NfTablesConnection nft = NfTablesConnection.open(hosts.b.netNamespace())) {
                    for (PortEntries entries : portElements(expectedB)) {
                        nft.deleteElements(entries.map(), List.of(entries.element()));
                    }
                    nft.flush();
                }
                assertStalled(up, "A to B without B's port maps");
                assertStalled(down, "B to A without B's port maps");
                assertNothingArrives(udpA, udpB, "A to B without B's port maps");
                assertNothingArrives(udpB, udpA, "B to A without B's port maps");

                // B's data path puts them back, and the sessions go on.
                assertTrue(pathB.restore(), "B's restore finds the port entries missing");
                assertEquals(expectedB.bySet(), elements(hosts.b));
                flowing(up, down, "after B's restore");
                exchange(udpA, udpB, "after B's restore");
            }
        }
    }

    /** One element of one of B's port maps. */
    private record PortEntries(SetReference map, Element element) {
    }

    private static List<PortEntries> portElements(ExpectedElements expected) {
        List<PortEntries> found = new ArrayList<>();
        expected.bySet().forEach((set, elements) -> elements.stream().filter(e -> e instanceof PortMapElement)
                .forEach(e -> found.add(new PortEntries(set, e))));
        return found;
    }

    /** Counters in B before our prerouting chain and after our output chain: what the wire carries. */
    private static WatchTable wire(NattedHosts hosts) {
        String family = hosts.ip.nftFamily();
        String a1 = Addresses.text(hosts.ip.y());
        String nat = Addresses.text(hosts.nat());
        return new WatchTable("watch")
                .count("fromA1", "prerouting", -400, family + " saddr " + a1 + " tcp sport " + A_TCP_PORT
                        + " tcp dport " + TCP_PORT)
                .count("fromNat", "prerouting", -400, family + " saddr " + nat + " tcp dport " + TCP_PORT)
                .count("toA1", "postrouting", 400, family + " daddr " + a1 + " tcp sport " + TCP_PORT
                        + " tcp dport " + A_TCP_PORT)
                .count("toNat", "postrouting", 400, family + " daddr " + nat + " tcp sport " + TCP_PORT);
    }

    /** While the stream runs, B's wire carries A1 with A's own port both ways, and nothing of the NAT. */
    private static void assertWireIsDirect(NattedHosts hosts, WatchTable wire, CounterStream stream)
            throws Exception {
        long fromA1 = wire.packets(hosts.b, "fromA1");
        long toA1 = wire.packets(hosts.b, "toA1");
        long fromNat = wire.packets(hosts.b, "fromNat");
        long toNat = wire.packets(hosts.b, "toNat");
        stream.awaitProgress(PROGRESS, TIMEOUT, "while counting the wire");
        assertTrue(wire.packets(hosts.b, "fromA1") > fromA1, "B receives from A1 and A's port");
        assertTrue(wire.packets(hosts.b, "toA1") > toA1, "B sends to A1 and A's port");
        assertEquals(fromNat, wire.packets(hosts.b, "fromNat"), "nothing arrives through the NAT");
        assertEquals(toNat, wire.packets(hosts.b, "toNat"), "nothing leaves for the NAT");
    }

    /** B's conntrack has the sessions on the NAT's tuple, established, and no entry of the wire's. */
    private static void assertConntrackKeepsTheNatTuple(NattedHosts hosts, SessionTuple tcpAtB, SessionTuple udpAtB,
            InetAddress a1) throws Exception {
        try (ConntrackClient conntrack = ConntrackClient.open(hosts.b.netNamespace())) {
            Optional<ConntrackEntry> tcp = conntrack.get(inbound(tcpAtB));
            assertTrue(tcp.isPresent(), "B's conntrack entry of " + tcpAtB);
            assertEquals(Optional.of(ConntrackTcpState.ESTABLISHED), tcp.get().tcpState());
            assertTrue(conntrack.get(inbound(udpAtB)).isPresent(), "B's conntrack entry of " + udpAtB);
            assertEquals(Optional.empty(), conntrack.get(new FlowTuple(a1, tcpAtB.local().address(),
                    TupleKey.TCP, A_TCP_PORT, TCP_PORT)), "no entry of the TCP wire tuple");
            assertEquals(Optional.empty(), conntrack.get(new FlowTuple(a1, udpAtB.local().address(),
                    TupleKey.UDP, A_UDP_PORT, UDP_PORT)), "no entry of the UDP wire tuple");
        }
    }

    /** The session's packets from its peer, as the socket knows them: conntrack's original direction here. */
    private static FlowTuple inbound(SessionTuple atB) {
        return new FlowTuple(atB.remote().address(), atB.local().address(), atB.protocol().number(),
                atB.remote().port(), atB.local().port());
    }

    /**
     * Both streams move on. A failing stream closes the sockets both share, so the other fails too: the message
     * names both failures, the first cause among them.
     */
    private static void flowing(CounterStream up, CounterStream down, String when) throws InterruptedException {
        try {
            up.awaitProgress(PROGRESS, TIMEOUT, "A to B " + when);
            down.awaitProgress(PROGRESS, TIMEOUT, "B to A " + when);
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + " (A to B: " + up.failure() + "; B to A: " + down.failure()
                    + ")", e);
        }
    }

    /** Fails if the stream verifies one more byte while it waits (packets in flight settle first). */
    private static void assertStalled(CounterStream stream, String what) throws InterruptedException {
        Thread.sleep(300);
        long before = stream.bytesVerified();
        Thread.sleep(STALL.toMillis());
        assertEquals(before, stream.bytesVerified(), what + ": the stream must stall");
    }

    /** A's first datagram through the NAT, as B's unconnected socket receives it: the NAT's address and port. */
    private static InetSocketAddress firstSource(DatagramChannel udpA, DatagramChannel udpB) throws Exception {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        ByteBuffer buffer = ByteBuffer.allocate(2048);
        while (System.nanoTime() < deadline) {
            udpA.write(ByteBuffer.wrap("hello".getBytes(StandardCharsets.US_ASCII)));
            Thread.sleep(50);
            buffer.clear();
            InetSocketAddress source = (InetSocketAddress) udpB.receive(buffer);
            if (source != null) {
                return source;
            }
        }
        throw new AssertionError("no datagram from A within " + TIMEOUT.toSeconds() + " s");
    }

    /** A datagram each way between the connected sockets, sent again until it arrives (the first may wait). */
    private static void exchange(DatagramChannel udpA, DatagramChannel udpB, String when) throws Exception {
        deliver(udpA, udpB, "a-to-b " + when);
        deliver(udpB, udpA, "b-to-a " + when);
    }

    private static void deliver(DatagramChannel from, DatagramChannel to, String text) throws Exception {
        drain(to);
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            from.write(ByteBuffer.wrap(text.getBytes(StandardCharsets.US_ASCII)));
            Thread.sleep(50);
            Optional<String> received = Connections.queued(to);
            while (received.isPresent()) {
                if (received.get().equals(text)) {
                    return;
                }
                received = Connections.queued(to);
            }
        }
        throw new AssertionError("\"" + text + "\" did not arrive within " + TIMEOUT.toSeconds() + " s");
    }

    private static void assertNothingArrives(DatagramChannel from, DatagramChannel to, String what)
            throws Exception {
        drain(to);
        for (int i = 0; i < 10; i++) {
            from.write(ByteBuffer.wrap(("lost " + i).getBytes(StandardCharsets.US_ASCII)));
        }
        Thread.sleep(STALL.toMillis());
        assertEquals(Optional.empty(), Connections.queued(to), what + ": no datagram may arrive");
    }

    private static void drain(DatagramChannel channel) throws Exception {
        while (Connections.queued(channel).isPresent()) {
            // what an earlier exchange sent twice
        }
    }
}
