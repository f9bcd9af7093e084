package org.sacip.agent.datapath;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.sacip.agent.datapath.KernelState.TIMEOUT;
import static org.sacip.agent.datapath.KernelState.pathMtu;

import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The real case behind {@link PathMtuIntegrationTest}: a moved session whose path narrows keeps flowing. Host A
 * (on X) and host B talk through router R, full-size segments both ways; A moves to Y (confirmed, B follows), both
 * run a {@link PathMtuRelay}. Then R's routes to Y and to B drop to a smaller MTU, and R's own kernel answers the
 * full-size segments with "fragmentation needed" / "packet too big" quoting the wire tuples (Y -> B, B -> Y). Both
 * streams keep going, both sockets take the smaller MTU, and both relays relayed. Without the relays neither socket
 * would ever hear of it, and both streams would stall on segments R drops. IPv4 and IPv6.
 */
@Tag("integration")
class NarrowPathIntegrationTest {
    private static final int PORT = 5001;
    private static final long PROGRESS = 256 * 1024;

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
                    MoveOfA.move(hosts, pathA, pathB, List.of(tcp));
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

    private static void awaitBoth(CounterStream fromA, CounterStream fromB, String when) throws Exception {
        fromA.awaitProgress(PROGRESS, TIMEOUT, "from A " + when);
        fromB.awaitProgress(PROGRESS, TIMEOUT, "from B " + when);
    }
}
