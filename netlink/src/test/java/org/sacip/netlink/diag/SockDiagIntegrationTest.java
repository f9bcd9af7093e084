package org.sacip.netlink.diag;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.channels.DatagramChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.sacip.netlink.NetlinkErrorException;
import org.sacip.netlink.testing.TestNamespace;

/** sock_diag against sockets this test opens inside a throwaway namespace. */
@Tag("integration")
class SockDiagIntegrationTest {
    private static final Set<TcpState> ESTABLISHED = EnumSet.of(TcpState.ESTABLISHED);

    /** Client and server sockets of connections made inside a namespace; closes them all. */
    private static final class Connections implements AutoCloseable {
        final List<Socket> clients = new ArrayList<>();
        final List<Socket> accepted = new ArrayList<>();
        final ServerSocket server;

        Connections(TestNamespace ns, String serverAddress) throws Exception {
            server = ns.netNamespace().call(() -> new ServerSocket(0, 50, InetAddress.getByName(serverAddress)));
        }

        Socket connectFrom(TestNamespace ns, String localAddress) throws Exception {
            Socket client = ns.netNamespace().call(() -> {
                Socket socket = new Socket();
                socket.bind(new InetSocketAddress(InetAddress.getByName(localAddress), 0));
                return socket;
            });
            client.connect(server.getLocalSocketAddress());
            clients.add(client);
            accepted.add(server.accept());
            return client;
        }

        @Override
        public void close() throws IOException {
            for (Socket socket : clients) {
                socket.close();
            }
            for (Socket socket : accepted) {
                socket.close();
            }
            server.close();
        }
    }

    private static String tuple(InetSocketAddress local, InetSocketAddress remote) {
        return local.getAddress().getHostAddress() + ":" + local.getPort() + ">"
                + remote.getAddress().getHostAddress() + ":" + remote.getPort();
    }

    private static String tuple(Socket socket) {
        return tuple((InetSocketAddress) socket.getLocalSocketAddress(),
                (InetSocketAddress) socket.getRemoteSocketAddress());
    }

    private static Set<String> tuples(List<SocketInfo> sockets) {
        return sockets.stream().map(s -> tuple(s.local(), s.remote())).collect(Collectors.toSet());
    }

    private static TestNamespace namespaceWithLoopbackAddresses() throws Exception {
        TestNamespace ns = TestNamespace.create("sd");
        try {
            for (String address : List.of("198.18.0.1/32", "198.18.0.2/32", "198.18.0.3/32")) {
                ns.exec("ip", "addr", "add", address, "dev", "lo");
            }
            ns.exec("ip", "addr", "add", "2001:db8::1/128", "dev", "lo", "nodad");
            ns.exec("ip", "addr", "add", "2001:db8::2/128", "dev", "lo", "nodad");
        } catch (Exception e) {
            ns.close();
            throw e;
        }
        return ns;
    }

    @Test
    void dumpFindsExactlyTheConnectionsOpenedFilteredByAddress() throws Exception {
        try (TestNamespace ns = namespaceWithLoopbackAddresses();
                SockDiagClient diag = SockDiagClient.open(ns.netNamespace());
                Connections connections = new Connections(ns, "198.18.0.1")) {
            Set<String> fromTwo = new HashSet<>();
            Set<String> fromThree = new HashSet<>();
            for (int i = 0; i < 3; i++) {
                fromTwo.add(tuple(connections.connectFrom(ns, "198.18.0.2")));
            }
            for (int i = 0; i < 2; i++) {
                fromThree.add(tuple(connections.connectFrom(ns, "198.18.0.3")));
            }

            List<SocketInfo> two = diag.dump(TransportProtocol.TCP, ESTABLISHED,
                    Optional.of(SocketFilter.localAddress(InetAddress.getByName("198.18.0.2"))));
            assertEquals(fromTwo, tuples(two));
            for (SocketInfo socket : two) {
                assertEquals(TransportProtocol.TCP, socket.protocol());
                assertEquals(TcpState.ESTABLISHED, socket.state());
                assertTrue(socket.inode() > 0);
                assertEquals(0, socket.uid());
            }

            List<SocketInfo> either = diag.dump(TransportProtocol.TCP, ESTABLISHED,
                    Optional.of(SocketFilter.localAddress(InetAddress.getByName("198.18.0.2"))
                            .or(SocketFilter.localAddress(InetAddress.getByName("198.18.0.3")))));
            Set<String> clients = new HashSet<>(fromTwo);
            clients.addAll(fromThree);
            assertEquals(clients, tuples(either));

            // Server side of the connections from .3: remote address AND local port.
            Set<String> acceptedFromThree = connections.accepted.stream().map(SockDiagIntegrationTest::tuple)
                    .filter(t -> t.contains(">198.18.0.3:")).collect(Collectors.toSet());
            List<SocketInfo> serverSide = diag.dump(TransportProtocol.TCP, ESTABLISHED,
                    Optional.of(SocketFilter.remoteAddress(InetAddress.getByName("198.18.0.3"))
                            .and(SocketFilter.localPort(connections.server.getLocalPort()))));
            assertEquals(acceptedFromThree, tuples(serverSide));

            List<SocketInfo> listening = diag.dump(TransportProtocol.TCP, EnumSet.of(TcpState.LISTEN),
                    Optional.empty());
            assertEquals(1, listening.size());
            assertEquals(connections.server.getLocalSocketAddress(), listening.get(0).local());
            assertEquals(TcpState.LISTEN, listening.get(0).state());
            // Java opens dual-stack sockets: IPv4 connections are AF_INET6 sockets with v4-mapped addresses,
            // which the IPv4 host condition matches; the IPv4-only dump has none of them.
            assertTrue(diag.dump(TransportProtocol.TCP, 4, ESTABLISHED, Optional.empty()).isEmpty());
            assertEquals(10, diag.dump(TransportProtocol.TCP, 6, ESTABLISHED, Optional.empty()).size());
        }
    }

    @Test
    void aLocalAddressAndAnyOfSeveralPeersSelectsExactlyTheirConnections() throws Exception {
        try (TestNamespace ns = namespaceWithLoopbackAddresses();
                SockDiagClient diag = SockDiagClient.open(ns.netNamespace());
                Connections toTwo = new Connections(ns, "198.18.0.2");
                Connections toThree = new Connections(ns, "198.18.0.3");
                Connections toOne = new Connections(ns, "198.18.0.1")) {
            Set<String> wanted = new HashSet<>();
            for (int i = 0; i < 2; i++) {
                wanted.add(tuple(toTwo.connectFrom(ns, "198.18.0.1")));
                toThree.connectFrom(ns, "198.18.0.1");
                wanted.add(tuple(toOne.connectFrom(ns, "198.18.0.1")));
                toTwo.connectFrom(ns, "198.18.0.3");
            }
            // As the retransmission kick asks: our address, and a chain of peers (one of them has no connection).
            SocketFilter anyPeer = SocketFilter.remoteAddress(InetAddress.getByName("198.18.0.2"))
                    .or(SocketFilter.remoteAddress(InetAddress.getByName("198.18.0.9")))
                    .or(SocketFilter.remoteAddress(InetAddress.getByName("198.18.0.1")));
            List<SocketInfo> found = diag.dump(TransportProtocol.TCP, ESTABLISHED, Optional.of(
                    SocketFilter.localAddress(InetAddress.getByName("198.18.0.1")).and(anyPeer)));
            // Accepted sockets of 198.18.0.1 with 198.18.0.1 match too: both ends of those connections are ours.
            Set<String> expected = new HashSet<>(wanted);
            toOne.accepted.forEach(socket -> expected.add(tuple(socket)));
            assertEquals(expected, tuples(found));
        }
    }

    @Test
    void udpAndIpv6SocketsAreDumpedWithTheirTuples() throws Exception {
        try (TestNamespace ns = namespaceWithLoopbackAddresses();
                SockDiagClient diag = SockDiagClient.open(ns.netNamespace());
                DatagramChannel connected = ns.netNamespace().call(DatagramChannel::open);
                DatagramChannel unconnected = ns.netNamespace().call(DatagramChannel::open);
                Connections tcp6 = new Connections(ns, "2001:db8::1")) {
            connected.bind(new InetSocketAddress("2001:db8::2", 0));
            connected.connect(new InetSocketAddress("2001:db8::1", 4000));
            unconnected.bind(new InetSocketAddress("198.18.0.2", 0));
            Socket client6 = tcp6.connectFrom(ns, "2001:db8::2");

            List<SocketInfo> udp = diag.dump(TransportProtocol.UDP, TcpState.all(),
                    Optional.of(SocketFilter.localPrefix(InetAddress.getByName("2001:db8::"), 64)
                            .or(SocketFilter.localAddress(InetAddress.getByName("198.18.0.2")))));
            assertEquals(2, udp.size(), udp.toString());
            SocketInfo connectedInfo = udp.stream().filter(s -> s.state() == TcpState.ESTABLISHED).findFirst()
                    .orElseThrow();
            assertEquals(tuple((InetSocketAddress) connected.getLocalAddress(),
                    (InetSocketAddress) connected.getRemoteAddress()), tuple(connectedInfo.local(),
                    connectedInfo.remote()));
            assertEquals(TransportProtocol.UDP, connectedInfo.protocol());
            SocketInfo unconnectedInfo = udp.stream().filter(s -> s.state() == TcpState.CLOSE).findFirst()
                    .orElseThrow();
            assertEquals(((InetSocketAddress) unconnected.getLocalAddress()).getPort(),
                    unconnectedInfo.local().getPort());

            List<SocketInfo> tcp = diag.dump(TransportProtocol.TCP, 6, ESTABLISHED,
                    Optional.of(SocketFilter.remotePort(tcp6.server.getLocalPort())));
            assertEquals(Set.of(tuple(client6)), tuples(tcp));
        }
    }

    @Test
    void destroyClosesOneConnectionAndItsGoingAwayIsNoticed() throws Exception {
        try (TestNamespace ns = namespaceWithLoopbackAddresses();
                SockDiagClient diag = SockDiagClient.open(ns.netNamespace());
                SocketDestroyWatcher watcher = SocketDestroyWatcher.open(ns.netNamespace());
                Connections connections = new Connections(ns, "198.18.0.1")) {
            Socket victim = connections.connectFrom(ns, "198.18.0.2");
            Socket survivor = connections.connectFrom(ns, "198.18.0.2");
            SocketInfo target = diag.dump(TransportProtocol.TCP, ESTABLISHED,
                    Optional.of(SocketFilter.localAddress(InetAddress.getByName("198.18.0.2"))
                            .and(SocketFilter.localPort(victim.getLocalPort())))).get(0);

            diag.destroy(target);

            Socket victimPeer = connections.accepted.get(0);
            victimPeer.setSoTimeout(20_000);
            try (InputStream in = victimPeer.getInputStream()) {
                assertThrows(IOException.class, in::read, "the peer of a destroyed socket sees a reset");
            }
            Set<String> remaining = tuples(diag.dump(TransportProtocol.TCP, ESTABLISHED,
                    Optional.of(SocketFilter.localAddress(InetAddress.getByName("198.18.0.2")))));
            assertEquals(Set.of(tuple(survivor)), remaining);
            NetlinkErrorException gone = assertThrows(NetlinkErrorException.class, () -> diag.destroy(target));
            assertEquals("ENOENT", gone.errnoName());

            // The kernel frees (and reports) the socket once its owner lets go of the aborted socket.
            String victimTuple = tuple(victim);
            assertThrows(IOException.class, () -> victim.getInputStream().read(), "the owner sees the abort");
            victim.close();
            assertTrue(awaitDestroyed(watcher, victimTuple), "destroy notification for the destroyed socket");

            // An ordinary close is noticed as well.
            String survivorTuple = tuple(survivor);
            survivor.close();
            connections.accepted.get(1).close();
            assertTrue(awaitDestroyed(watcher, survivorTuple), "destroy notification for a closed socket");
        }
    }

    private static boolean awaitDestroyed(SocketDestroyWatcher watcher, String wanted) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        List<String> seen = new ArrayList<>();
        while (System.nanoTime() < deadline) {
            for (SocketInfo destroyed : watcher.poll(Duration.ofMillis(500))) {
                seen.add(tuple(destroyed.local(), destroyed.remote()));
                if (tuple(destroyed.local(), destroyed.remote()).equals(wanted)) {
                    assertEquals(TransportProtocol.TCP, destroyed.protocol());
                    return true;
                }
            }
        }
        System.err.println("destroy notifications seen while waiting for " + wanted + ": " + seen);
        return false;
    }

    @Test
    void unknownFamilyVersionIsRejectedBeforeAnythingIsSent() throws Exception {
        try (TestNamespace ns = TestNamespace.create("sd");
                SockDiagClient diag = SockDiagClient.open(ns.netNamespace())) {
            assertThrows(IllegalArgumentException.class,
                    () -> diag.dump(TransportProtocol.TCP, 5, ESTABLISHED, Optional.empty()));
            assertFalse(diag.dump(TransportProtocol.UDP, 4, TcpState.all(), Optional.empty()).size() > 0);
        }
    }
}
