package org.sacip.agent.datapath;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.sacip.agent.datapath.KernelState.TIMEOUT;
import static org.sacip.agent.datapath.KernelState.await;
import static org.sacip.agent.datapath.KernelState.pathMtu;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.charset.StandardCharsets;
import java.util.OptionalInt;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.sacip.agent.session.Endpoint;
import org.sacip.agent.session.SessionProtocol;
import org.sacip.agent.session.SessionTuple;

/**
 * The real case behind {@link PathMtuIntegrationTest}: a moved session whose path narrows keeps flowing. Host A
 * (on X) and host B talk through router R, full-size segments both ways; A moves to Y (confirmed, B follows), both
 * run a {@link PathMtuRelay}. Then R's routes to Y and to B drop to a smaller MTU, and R's own kernel answers the
 * full-size segments with "fragmentation needed" / "packet too big" quoting the wire tuples (Y -> B, B -> Y). Both
 * streams keep going, both sockets take the smaller MTU, and both relays relayed. Without the relays neither socket
 * would ever hear of it, and both streams would stall on segments R drops. The same for a moved UDP socket, through
 * the kernel's UDP error handler. IPv4 and IPv6.
 */
@Tag("integration")
class NarrowPathIntegrationTest {
    private static final int PORT = 5001;
    private static final long PROGRESS = 256 * 1024;
    private static final int UDP_A = 5353;
    private static final int UDP_B = 5002;
    private static final Pattern MTU = Pattern.compile("\\bmtu (\\d+)");

    @ParameterizedTest(name = "ipv6={0}")
    @ValueSource(booleans = {false, true})
    void aMovedSessionKeepsFlowingWhenItsPathNarrows(boolean ipv6) throws Exception {
        try (RoutedHosts hosts = RoutedHosts.create("np", ipv6)) {
            Addresses ip = hosts.ip;
            TestClock clock = new TestClock();
            Connections.Tcp tcp = Connections.tcp(hosts.b, ip.b(), PORT, hosts.a, ip.x(), 0);
            int clientPort = tcp.client().getLocalPort();
            try (CounterStream fromA = CounterStream.bulk(tcp.client(), tcp.accepted());
                    CounterStream fromB = CounterStream.bulk(tcp.accepted(), tcp.client());
                    DataPath pathA = MoveOfA.dataPath(hosts.a, clock);
                    DataPath pathB = MoveOfA.dataPath(hosts.b, clock)) {
                pathA.install();
                pathB.install();
                try (PathMtuRelay relayA = PathMtuRelay.start(pathA, DataPathSettings.defaults(), clock);
                        PathMtuRelay relayB = PathMtuRelay.start(pathB, DataPathSettings.defaults(), clock)) {
                    awaitBoth(fromA, fromB, "before the move");
                    MoveOfA.move(hosts, pathA, pathB, Set.of(tcp.atClient()), Set.of(tcp.atServer()));
                    awaitBoth(fromA, fromB, "after the move");
                    assertEquals(1500, pathMtu(hosts.a, clientPort));
                    assertEquals(1500, pathMtu(hosts.b, PORT));

                    int mtu = ipv6 ? 1280 : 1200;
                    hosts.narrow(mtu, ip.y());
                    awaitBoth(fromA, fromB, "after the path narrowed to " + mtu);
                    assertEquals(mtu, pathMtu(hosts.a, clientPort), "A's socket");
                    assertEquals(mtu, pathMtu(hosts.b, PORT), "B's socket");
                    assertTrue(relayA.counts().relayed() > 0, "A's relay: " + relayA.counts());
                    assertTrue(relayB.counts().relayed() > 0, "B's relay: " + relayB.counts());
                }
            }
        }
    }

    /**
     * A connected UDP socket of A's, moved the same way, sends a datagram too big for the narrowed path: R answers Y,
     * A relays, and the kernel's UDP error handler caches the smaller MTU for the socket's destination (a route
     * exception: {@code ip route get B from X} shows it). B's datagram before that proves the flow goes both ways.
     */
    @ParameterizedTest(name = "ipv6={0}")
    @ValueSource(booleans = {false, true})
    void aMovedUdpSocketLearnsTheNarrowerPath(boolean ipv6) throws Exception {
        try (RoutedHosts hosts = RoutedHosts.create("nu", ipv6)) {
            Addresses ip = hosts.ip;
            TestClock clock = new TestClock();
            SessionTuple atA = new SessionTuple(SessionProtocol.UDP, new Endpoint(ip.x(), UDP_A),
                    new Endpoint(ip.b(), UDP_B));
            SessionTuple atB = new SessionTuple(SessionProtocol.UDP, new Endpoint(ip.b(), UDP_B),
                    new Endpoint(ip.x(), UDP_A));
            try (DatagramChannel udpA = Connections.udp(hosts.a, ip.x(), UDP_A, new InetSocketAddress(ip.b(), UDP_B));
                    DatagramChannel udpB = Connections.udp(hosts.b, ip.b(), UDP_B,
                            new InetSocketAddress(ip.x(), UDP_A));
                    DataPath pathA = MoveOfA.dataPath(hosts.a, clock);
                    DataPath pathB = MoveOfA.dataPath(hosts.b, clock)) {
                pathA.install();
                pathB.install();
                try (PathMtuRelay relayA = PathMtuRelay.start(pathA, DataPathSettings.defaults(), clock)) {
                    MoveOfA.move(hosts, pathA, pathB, Set.of(atA), Set.of(atB));
                    udpB.write(ByteBuffer.wrap("from B after the move".getBytes(StandardCharsets.US_ASCII)));
                    assertEquals("from B after the move", Connections.await(udpA, "B's datagram at A's socket"));
                    assertEquals(OptionalInt.empty(), cachedMtu(hosts, ip));

                    int mtu = ipv6 ? 1280 : 1200;
                    hosts.narrow(mtu, ip.y());
                    udpA.write(ByteBuffer.allocate(1400));
                    await(() -> cachedMtu(hosts, ip).equals(OptionalInt.of(mtu)),
                            "A's kernel caching the path MTU " + mtu + " towards B for X; relay: " + relayA.counts());
                    assertEquals(1, relayA.counts().relayed(), relayA.counts().toString());
                }
            }
        }
    }

    /** The path MTU A's kernel keeps for packets from X to B, if any (a cached route exception). */
    private static OptionalInt cachedMtu(RoutedHosts hosts, Addresses ip) throws Exception {
        Matcher matcher = MTU.matcher(hosts.a.exec("ip", ip.ipv6() ? "-6" : "-4", "route", "get",
                Addresses.text(ip.b()), "from", Addresses.text(ip.x())));
        return matcher.find() ? OptionalInt.of(Integer.parseInt(matcher.group(1))) : OptionalInt.empty();
    }

    private static void awaitBoth(CounterStream fromA, CounterStream fromB, String when) throws Exception {
        fromA.awaitProgress(PROGRESS, TIMEOUT, "from A " + when);
        fromB.awaitProgress(PROGRESS, TIMEOUT, "from B " + when);
    }
}
