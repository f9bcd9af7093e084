package org.sacip.agent.datapath;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.sacip.agent.datapath.KernelState.TIMEOUT;
import static org.sacip.agent.datapath.KernelState.await;
import static org.sacip.agent.datapath.KernelState.pathMtu;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Path MTU discovery keeps working for remapped sessions: a router that finds a session's packets too big answers
 * the address on the wire with "fragmentation needed" / "packet too big" quoting the packet as it saw it (the wire
 * tuple, not the socket's), and the socket must still learn the smaller MTU, or a move to a path with a smaller MTU
 * leaves the session stuck on segments that never arrive. Host A moves from X to Y (confirmed, so A sends from Y)
 * and B follows; both run a {@link PathMtuRelay}. B's namespace then plays the router for A's socket, A's for B's.
 * IPv4 and IPv6. A control error quoting the socket's own tuple is taken first, so the sequence number, checksums
 * and delivery of the errors are right and only what the router quotes makes the difference; the relay leaves that
 * one to the kernel, relays the one quoting the wire tuple once, and never reads its own relayed copy again. At most
 * {@link PathMtuRelay#PER_SECOND} errors are relayed (the test clock stands still, so the budget never refills).
 */
@Tag("integration")
class PathMtuIntegrationTest {
    private static final int PORT = 5001;
    private static final long PROGRESS = 8 * 1024;
    /** The MTU of the control error, which quotes the socket's own tuple: above the one under test. */
    private static final int CONTROL_MTU = 1400;
    private static final int OVER_BUDGET = 50;

    @ParameterizedTest(name = "ipv6={0}")
    @ValueSource(booleans = {false, true})
    void theMovedSocketLearnsThePathMtuOfItsNewPath(boolean ipv6) throws Exception {
        Addresses ip = Addresses.of(ipv6);
        try (Hosts hosts = Hosts.create("pm", ip)) {
            Connections.Tcp tcp = Connections.tcp(hosts.b, ip.b(), PORT, hosts.a, ip.x(), 0);
            // B writes, A only acknowledges: A's segments all carry the sequence number A's socket expects in an
            // error about them.
            try (CounterStream stream = new CounterStream(tcp.accepted(), tcp.client());
                    Moved moved = Moved.of(hosts, tcp);
                    RawSocket tcpB = RawSocket.receiver(hosts.b.netNamespace(), ipv6, RawSocket.TCP);
                    RawSocket routerB = RawSocket.sender(hosts.b.netNamespace(), ipv6)) {
                stream.awaitProgress(PROGRESS, TIMEOUT, "after the move");
                int clientPort = tcp.client().getLocalPort();
                Packets.TcpSegment fromA = Connections.sniff(tcpB, ipv6,
                        s -> s.sourcePort() == clientPort && s.destinationPort() == PORT, "a segment of A's");
                assertEquals(1500, pathMtu(hosts.a, clientPort));
                // Control: an error quoting the socket's own tuple, sent to its ghost, does reach it, so the error
                // below fails only by what it quotes.
                routerB.send(Packets.packetTooBig(ip.b(), ip.x(), CONTROL_MTU, Packets.tcp(ip.x(), ip.b(),
                        fromA.withoutOptions())), ip.x());
                await(() -> pathMtu(hosts.a, clientPort) == CONTROL_MTU, "A's socket takes the path MTU "
                        + CONTROL_MTU + " from an error quoting its own tuple");
                int mtu = ipv6 ? 1280 : 1200;
                // On the wire A's segment went from Y: that is what the router quotes, and where it answers.
                byte[] wireError = Packets.packetTooBig(ip.b(), ip.y(), mtu, Packets.tcp(ip.y(), ip.b(),
                        fromA.withoutOptions()));
                routerB.send(wireError, ip.y());
                await(() -> pathMtu(hosts.a, clientPort) == mtu, "A's socket (X:" + clientPort
                        + ", sending from Y) takes the path MTU " + mtu + " from an error about its packet from Y");
                assertRelayedOnce(moved.relayOfA(), routerB, damaged(wireError, ipv6), ip.y());
            }
        }
    }

    @ParameterizedTest(name = "ipv6={0}")
    @ValueSource(booleans = {false, true})
    void thePeersSocketLearnsThePathMtuTowardsTheMovedHost(boolean ipv6) throws Exception {
        Addresses ip = Addresses.of(ipv6);
        try (Hosts hosts = Hosts.create("pm", ip)) {
            Connections.Tcp tcp = Connections.tcp(hosts.b, ip.b(), PORT, hosts.a, ip.x(), 0);
            // A writes, B only acknowledges.
            try (CounterStream stream = new CounterStream(tcp.client(), tcp.accepted());
                    Moved moved = Moved.of(hosts, tcp);
                    RawSocket tcpA = RawSocket.receiver(hosts.a.netNamespace(), ipv6, RawSocket.TCP);
                    RawSocket routerA = RawSocket.sender(hosts.a.netNamespace(), ipv6)) {
                stream.awaitProgress(PROGRESS, TIMEOUT, "after the move");
                int clientPort = tcp.client().getLocalPort();
                Packets.TcpSegment fromB = Connections.sniff(tcpA, ipv6,
                        s -> s.sourcePort() == PORT && s.destinationPort() == clientPort, "a segment of B's");
                assertEquals(1500, pathMtu(hosts.b, PORT));
                routerA.send(Packets.packetTooBig(ip.y(), ip.b(), CONTROL_MTU, Packets.tcp(ip.b(), ip.x(),
                        fromB.withoutOptions())), ip.b());
                await(() -> pathMtu(hosts.b, PORT) == CONTROL_MTU, "B's socket takes the path MTU " + CONTROL_MTU
                        + " from an error quoting its own tuple");
                int mtu = ipv6 ? 1280 : 1200;
                // On the wire B's segment went to Y.
                byte[] wireError = Packets.packetTooBig(ip.y(), ip.b(), mtu, Packets.tcp(ip.b(), ip.y(),
                        fromB.withoutOptions()));
                routerA.send(wireError, ip.b());
                await(() -> pathMtu(hosts.b, PORT) == mtu, "B's socket (to X:" + clientPort + ", sending to Y)"
                        + " takes the path MTU " + mtu + " from an error about its packet to Y");
                assertRelayedOnce(moved.relayOfB(), routerA, damaged(wireError, ipv6), ip.b());
            }
        }
    }

    @ParameterizedTest(name = "ipv6={0}")
    @ValueSource(booleans = {false, true})
    void theRelayStopsAtItsBudget(boolean ipv6) throws Exception {
        Addresses ip = Addresses.of(ipv6);
        try (Hosts hosts = Hosts.create("pm", ip)) {
            Connections.Tcp tcp = Connections.tcp(hosts.b, ip.b(), PORT, hosts.a, ip.x(), 0);
            try (CounterStream stream = new CounterStream(tcp.accepted(), tcp.client());
                    Moved moved = Moved.of(hosts, tcp);
                    RawSocket tcpB = RawSocket.receiver(hosts.b.netNamespace(), ipv6, RawSocket.TCP);
                    RawSocket routerB = RawSocket.sender(hosts.b.netNamespace(), ipv6)) {
                stream.awaitProgress(PROGRESS, TIMEOUT, "after the move");
                int clientPort = tcp.client().getLocalPort();
                Packets.TcpSegment fromA = Connections.sniff(tcpB, ipv6,
                        s -> s.sourcePort() == clientPort && s.destinationPort() == PORT, "a segment of A's");
                byte[] wireError = Packets.packetTooBig(ip.b(), ip.y(), ipv6 ? 1280 : 1200,
                        Packets.tcp(ip.y(), ip.b(), fromA.withoutOptions()));
                int sent = PathMtuRelay.PER_SECOND + OVER_BUDGET;
                for (int i = 0; i < sent; i++) {
                    routerB.send(wireError, ip.y());
                }
                PathMtuRelay relay = moved.relayOfA();
                await(() -> relay.counts().relayed() + relay.counts().rateLimited() == sent,
                        "the relay dealing with all " + sent + " errors: " + relay.counts());
                assertEquals(new PathMtuRelay.Counts(PathMtuRelay.PER_SECOND, 0, 0, OVER_BUDGET, 0, 0),
                        relay.counts());
                stream.awaitProgress(PROGRESS, TIMEOUT, "after the flood of errors");
            }
        }
    }

    /**
     * The relay left the control error to the kernel and relayed the wire tuple's once. Its relayed copy was logged
     * (if at all) before the damaged error sent now, which the relay refuses: once that refusal is counted, a copy
     * read again would have been counted too.
     */
    private static void assertRelayedOnce(PathMtuRelay relay, RawSocket router, byte[] damaged,
            InetAddress destination) throws Exception {
        router.send(damaged, destination);
        await(() -> relay.counts().refused() == 1, "the relay refusing the damaged error: " + relay.counts());
        assertEquals(new PathMtuRelay.Counts(1, 1, 1, 0, 0, 0), relay.counts());
    }

    /** The error with its ICMP checksum broken. */
    private static byte[] damaged(byte[] error, boolean ipv6) {
        byte[] copy = error.clone();
        copy[(ipv6 ? 40 : 20) + 2] ^= (byte) 0xff;
        return copy;
    }

    /** A moved from X to Y, confirmed, with an active ghost; B follows. Both hosts relay path MTU errors. */
    private record Moved(DataPath a, DataPath b, List<PathMtuRelay> relays) implements AutoCloseable {
        static Moved of(Hosts hosts, Connections.Tcp tcp) throws Exception {
            TestClock clock = new TestClock();
            Moved moved = new Moved(MoveOfA.dataPath(hosts.a, clock), MoveOfA.dataPath(hosts.b, clock),
                    new ArrayList<>());
            try {
                moved.a.install();
                moved.b.install();
                moved.relays.add(PathMtuRelay.start(moved.a, DataPathSettings.defaults(), clock));
                moved.relays.add(PathMtuRelay.start(moved.b, DataPathSettings.defaults(), clock));
                MoveOfA.move(hosts, moved.a, moved.b, List.of(tcp));
                return moved;
            } catch (Exception e) {
                moved.close();
                throw e;
            }
        }

        PathMtuRelay relayOfA() {
            return relays.get(0);
        }

        PathMtuRelay relayOfB() {
            return relays.get(1);
        }

        @Override
        public void close() {
            relays.forEach(PathMtuRelay::close);
            a.close();
            b.close();
        }
    }
}
