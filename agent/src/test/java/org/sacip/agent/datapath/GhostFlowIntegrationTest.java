package org.sacip.agent.datapath;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.sacip.agent.datapath.KernelState.TIMEOUT;
import static org.sacip.agent.datapath.KernelState.await;
import static org.sacip.agent.datapath.KernelState.pathMtu;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.channels.DatagramChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.sacip.agent.session.Endpoint;
import org.sacip.agent.session.SessionProtocol;
import org.sacip.agent.session.SessionTuple;
import org.sacip.netlink.testing.TestNamespace;

/**
 * An active ghost serves only the sessions holding it (security finding L1). Host A moves from X to Y and keeps X
 * as an active ghost for a TCP stream and a UDP session with host B; B still reaches X over the link (its neighbour
 * entry for X is pinned to A, as a neighbour that has not noticed the move would). Then: the sessions keep flowing,
 * before and after B learns of the move; a UDP datagram to the ghost from another port of B is not delivered to
 * A's UDP socket on X, an ICMP echo request to X is not answered, a new TCP connection to X is refused although
 * something listens there; and a "packet too big" about the stream, sent to X by B while A still sends from X
 * (the move not yet confirmed), reaches A's socket, whose path MTU drops. Before the move the same probes are
 * delivered and answered, so each refusal is the ghost's doing. IPv4 and IPv6.
 */
@Tag("integration")
class GhostFlowIntegrationTest {
    private static final int PORT = 5001;
    private static final int UDP_PORT = 5353;
    private static final int SESSION_PORT = 6000;
    private static final int PROBE_PORT = 6001;
    private static final int LISTEN_PORT = 7000;
    private static final long PROGRESS = 8 * 1024;

    @ParameterizedTest(name = "ipv6={0}")
    @ValueSource(booleans = {false, true})
    void theGhostAcceptsOnlyItsSessionsAndTheirIcmpErrors(boolean ipv6) throws Exception {
        Addresses ip = Addresses.of(ipv6);
        InetAddress x = ip.x();
        InetAddress y = ip.y();
        InetAddress b = ip.b();
        TestClock clock = new TestClock();
        try (Hosts hosts = Hosts.create("gf", ip)) {
            TestNamespace nsA = hosts.a;
            TestNamespace nsB = hosts.b;
            WatchTable probes = probes(ip);
            probes.load(nsA);
            Connections.Tcp tcp = Connections.tcp(nsB, b, PORT, nsA, x, 0);
            int clientPort = tcp.client().getLocalPort();
            SessionTuple tcpAtA = tcp.atClient();
            SessionTuple tcpAtB = tcp.atServer();
            SessionTuple udpAtA = new SessionTuple(SessionProtocol.UDP, new Endpoint(x, UDP_PORT),
                    new Endpoint(b, SESSION_PORT));
            SessionTuple udpAtB = new SessionTuple(SessionProtocol.UDP, new Endpoint(b, SESSION_PORT),
                    new Endpoint(x, UDP_PORT));
            InetSocketAddress ghostUdp = new InetSocketAddress(x, UDP_PORT);
            // B writes and A only acknowledges: every segment A sends carries the same sequence number.
            try (CounterStream stream = new CounterStream(tcp.accepted(), tcp.client());
                    DatagramChannel udpA = Connections.udp(nsA, x, UDP_PORT, null);
                    DatagramChannel sessionB = Connections.udp(nsB, b, SESSION_PORT, null);
                    DatagramChannel probeB = Connections.udp(nsB, b, PROBE_PORT, null);
                    ServerSocket listenerA = nsA.netNamespace().call(() -> new ServerSocket(LISTEN_PORT));
                    RawSocket senderB = RawSocket.sender(nsB.netNamespace(), ipv6);
                    RawSocket icmpB = RawSocket.receiver(nsB.netNamespace(), ipv6, ipv6 ? RawSocket.ICMPV6
                            : RawSocket.ICMP);
                    RawSocket tcpB = RawSocket.receiver(nsB.netNamespace(), ipv6, RawSocket.TCP);
                    DataPath pathA = MoveOfA.dataPath(nsA, clock);
                    DataPath pathB = MoveOfA.dataPath(nsB, clock)) {
                pathA.install();
                pathB.install();
                stream.awaitProgress(PROGRESS, TIMEOUT, "before the move");

                // Before the move every probe gets through: what the ghost refuses later, it refuses itself.
                Connections.send(probeB, "probe before the move", ghostUdp);
                assertEquals("probe before the move", Connections.await(udpA, "a probe to X before the move"));
                senderB.send(Packets.echoRequest(b, x, 0x5a00, 1), x);
                awaitEchoReply(icmpB, ipv6, 0x5a00, "echo to X before the move");
                tryConnect(nsB, x).close();

                // The move: Y arrives, the ghost keeps X for both sessions, X leaves the link, A announces Y.
                MoveOfA.announce(hosts, pathA, Set.of(tcpAtA, udpAtA));
                Hosts.pinNeighbour(nsB, hosts.bLink, x, Hosts.mac(nsA, hosts.aLink));
                stream.awaitProgress(PROGRESS, TIMEOUT, "with the ghost active, B still sending to X");
                Connections.send(sessionB, "session to the ghost", ghostUdp);
                assertEquals("session to the ghost", Connections.await(udpA, "the UDP session's datagram to X"));
                assertGhostRefusesStrangers(nsA, nsB, probes, stream, ipv6, x, y, b, udpA, sessionB, probeB,
                        senderB, icmpB, 1);

                // A still sends from X: a router (B here) that finds A's segments too big tells X, quoting them.
                Packets.TcpSegment fromA = Connections.sniff(tcpB, ipv6, s -> s.sourcePort() == clientPort
                        && s.destinationPort() == PORT, "a segment of A's");
                int mtu = ipv6 ? 1280 : 1200;
                assertEquals(1500, pathMtu(nsA, clientPort));
                senderB.send(Packets.packetTooBig(b, x, mtu, Packets.tcp(x, b, fromA.withoutOptions())), x);
                await(() -> pathMtu(nsA, clientPort) == mtu, "A's socket takes the path MTU " + mtu
                        + " from the error sent to its ghost");
                stream.awaitProgress(PROGRESS, TIMEOUT, "after the path MTU dropped");

                // B learns of the move, A sends from Y: the same holds.
                MoveOfA.confirm(hosts, pathA, pathB, Set.of(tcpAtA, udpAtA), Set.of(tcpAtB, udpAtB));
                stream.awaitProgress(PROGRESS, TIMEOUT, "after the move was confirmed");
                assertGhostRefusesStrangers(nsA, nsB, probes, stream, ipv6, x, y, b, udpA, sessionB, probeB,
                        senderB, icmpB, 2);
            }
        }
    }

    /**
     * A probe datagram and an echo request to X, from B but not of a session, and a new connection: each must be
     * refused. A refusal is only known once the probe has been seen arriving in A (a counter before our chains)
     * and something sent after it has come through.
     */
    private static void assertGhostRefusesStrangers(TestNamespace nsA, TestNamespace nsB, WatchTable probes,
            CounterStream stream, boolean ipv6, InetAddress x, InetAddress y, InetAddress b, DatagramChannel udpA,
            DatagramChannel sessionB, DatagramChannel probeB, RawSocket senderB, RawSocket icmpB, int round)
            throws Exception {
        long udpProbes = probes.packets(nsA, "udpProbe");
        Connections.send(probeB, "probe " + round, new InetSocketAddress(x, UDP_PORT));
        await(() -> probes.packets(nsA, "udpProbe") > udpProbes, "the UDP probe arriving in A");
        Connections.send(sessionB, "session after probe " + round, new InetSocketAddress(x, UDP_PORT));
        assertEquals("session after probe " + round, Connections.await(udpA, "the session's datagram"),
                "the probe to the ghost reached the UDP socket on X");
        assertEquals(Optional.empty(), Connections.queued(udpA));

        int identifier = 0x5a00 + round;
        long echoes = probes.packets(nsA, "echoToX");
        long replies = probes.packets(nsA, "echoReplyFromX");
        senderB.send(Packets.echoRequest(b, x, identifier, round), x);
        await(() -> probes.packets(nsA, "echoToX") > echoes, "the echo request to X arriving in A");
        senderB.send(Packets.echoRequest(b, y, identifier + 0x100, round), y);
        List<Integer> repliesSeen = awaitEchoReply(icmpB, ipv6, identifier + 0x100, "echo to Y");
        assertFalse(repliesSeen.contains(identifier), "the ghost X answered an echo request");
        assertEquals(replies, probes.packets(nsA, "echoReplyFromX"), "A sent an echo reply from X");

        ConnectException refused = assertThrows(ConnectException.class, () -> tryConnect(nsB, x),
                "a new connection to the ghost");
        assertTrue(refused.getMessage().contains("refused"), refused.getMessage());
        stream.awaitProgress(PROGRESS, TIMEOUT, "after the probes");
    }

    /** Counters in A before our chains (what arrives) and on the way out (what A answers). */
    private static WatchTable probes(Addresses ip) {
        String family = ip.nftFamily();
        String x = Addresses.text(ip.x());
        String echoRequest = ip.ipv6() ? "icmpv6 type echo-request" : "icmp type echo-request";
        String echoReply = ip.ipv6() ? "icmpv6 type echo-reply" : "icmp type echo-reply";
        return new WatchTable("probes")
                .count("udpProbe", "prerouting", -400, family + " daddr " + x + " udp sport " + PROBE_PORT)
                .count("echoToX", "prerouting", -400, family + " daddr " + x + " " + echoRequest)
                .count("echoReplyFromX", "output", -400, family + " saddr " + x + " " + echoReply);
    }

    /** Reads ICMP until the echo reply with {@code identifier} comes; returns the identifiers of all replies seen. */
    private static List<Integer> awaitEchoReply(RawSocket icmp, boolean ipv6, int identifier, String what) {
        List<Integer> seen = new ArrayList<>();
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (!seen.contains(identifier)) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new AssertionError("no echo reply within " + TIMEOUT.toSeconds() + " s: " + what);
            }
            icmp.receive(Duration.ofNanos(left)).map(packet -> Packets.transportOf(packet, ipv6))
                    .ifPresent(message -> Packets.echoReplyIdentifier(message, ipv6).ifPresent(seen::add));
        }
        return seen;
    }

    /** A new TCP connection from the namespace to the listening port of {@code to}. */
    private static Socket tryConnect(TestNamespace from, InetAddress to) throws Exception {
        Socket socket = from.netNamespace().call(() -> {
            Socket unconnected = new Socket();
            unconnected.bind(null);
            return unconnected;
        });
        try {
            socket.connect(new InetSocketAddress(to, LISTEN_PORT), (int) TIMEOUT.toMillis());
            return socket;
        } catch (IOException e) {
            socket.close();
            throw e;
        }
    }
}
