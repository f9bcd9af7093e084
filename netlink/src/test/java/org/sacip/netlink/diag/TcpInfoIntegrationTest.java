package org.sacip.netlink.diag;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.sacip.netlink.testing.Await;
import org.sacip.netlink.testing.LinkedNamespaces;

/** tcp_info through sock_diag, for a real connection over a veth between two namespaces. */
@Tag("integration")
class TcpInfoIntegrationTest {
    private static final Set<SocketDetail> TCP_INFO = EnumSet.of(SocketDetail.TCP_INFO);
    private static final Duration WAIT = Duration.ofSeconds(20);

    private static InetSocketAddress local(Socket socket) {
        return (InetSocketAddress) socket.getLocalSocketAddress();
    }

    private static InetSocketAddress remote(Socket socket) {
        return (InetSocketAddress) socket.getRemoteSocketAddress();
    }

    /** The socket's tcp_info once {@code done} holds for it (acknowledgements may still be in flight). */
    private static TcpInfo infoWhen(SockDiagClient diag, Socket socket, java.util.function.Predicate<TcpInfo> done,
            String awaited) throws Exception {
        List<TcpInfo> seen = Await.until(timeout -> diag.tcpSocket(local(socket), remote(socket), TCP_INFO)
                .flatMap(SocketInfo::tcpInfo).stream().toList(), got -> !got.isEmpty()
                && done.test(got.get(got.size() - 1)), WAIT, awaited);
        return seen.get(seen.size() - 1);
    }

    @ParameterizedTest(name = "IPv{0}")
    @ValueSource(ints = {4, 6})
    void countersReflectAKnownTransferOnACleanLink(int ipVersion) throws Exception {
        int sent = 100_000;
        try (LinkedNamespaces lab = LinkedNamespaces.create("ti");
                SockDiagClient clientSide = SockDiagClient.open(lab.a.netNamespace());
                SockDiagClient serverSide = SockDiagClient.open(lab.b.netNamespace());
                ServerSocket listener = lab.b.netNamespace().call(() ->
                        new ServerSocket(5000, 5, LinkedNamespaces.bAddress(ipVersion)));
                Socket client = lab.a.netNamespace().call(() -> {
                    Socket socket = new Socket();
                    socket.bind(new InetSocketAddress(LinkedNamespaces.aAddress(ipVersion), 0));
                    return socket;
                })) {
            client.connect(listener.getLocalSocketAddress());
            try (Socket server = listener.accept()) {
                client.getOutputStream().write(new byte[sent]);
                InputStream in = server.getInputStream();
                assertEquals(sent, in.readNBytes(sent).length);

                TcpInfo sender = infoWhen(clientSide, client, info -> info.unacked() == 0,
                        "every segment acknowledged");
                TcpInfo receiver = infoWhen(serverSide, server, info -> true, "the server's tcp_info");
                assertEquals(TcpState.ESTABLISHED, sender.state());
                assertTrue(sender.length() >= 160, "this kernel sends the 4.6+ struct: " + sender.length());
                // Linux counts the client's SYN as one acknowledged byte; received bytes are data only.
                assertEquals(sent + 1, sender.bytesAcked().orElseThrow());
                assertEquals(sent, receiver.bytesReceived().orElseThrow());
                assertEquals(0, receiver.bytesAcked().orElseThrow(), "the server sent no data");
                for (TcpInfo end : List.of(sender, receiver)) {
                    assertEquals(0, end.totalRetrans(), "a clean veth needs no retransmission: " + end);
                    assertEquals(0, end.retrans());
                    assertEquals(0, end.lost());
                    assertTrue(end.rto().compareTo(Duration.ofMillis(200)) >= 0, "RTO at least TCP_RTO_MIN");
                    assertTrue(end.rtt().compareTo(Duration.ZERO) > 0, "a measured round trip");
                    assertTrue(end.minRtt().isPresent());
                }
                assertEquals(sender.dataSegsOut().orElseThrow(), receiver.dataSegsIn().orElseThrow(),
                        "every data segment sent arrived once");
                assertTrue(sender.dataSegsOut().orElseThrow() >= 1);
                assertEquals(sender.segsOut().orElseThrow(), receiver.segsIn().orElseThrow());
                assertEquals(0, receiver.dataSegsOut().orElseThrow());
            }
        }
    }

    @Test
    void dumpsCarryTcpInfoOnlyWhenAskedAndLookupsMatchExactly() throws Exception {
        try (LinkedNamespaces lab = LinkedNamespaces.create("tl");
                SockDiagClient serverSide = SockDiagClient.open(lab.b.netNamespace());
                ServerSocket listener = lab.b.netNamespace().call(() ->
                        new ServerSocket(5000, 5, LinkedNamespaces.bAddress(4)));
                Socket client = lab.a.netNamespace().call(() -> {
                    Socket socket = new Socket();
                    socket.bind(new InetSocketAddress(LinkedNamespaces.aAddress(4), 0));
                    return socket;
                })) {
            client.connect(listener.getLocalSocketAddress());
            try (Socket server = listener.accept()) {
                Set<TcpState> states = EnumSet.of(TcpState.ESTABLISHED, TcpState.LISTEN);
                List<SocketInfo> detailed = serverSide.dump(TransportProtocol.TCP, states, Optional.empty(), TCP_INFO);
                assertEquals(2, detailed.size(), detailed.toString());
                for (SocketInfo socket : detailed) {
                    assertEquals(socket.state(), socket.tcpInfo().orElseThrow().state());
                }
                assertTrue(serverSide.dump(TransportProtocol.TCP, states, Optional.empty()).stream()
                        .allMatch(socket -> socket.tcpInfo().isEmpty()), "no tcp_info unless asked");

                SocketInfo found = serverSide.tcpSocket(local(server), remote(server), Set.of()).orElseThrow();
                assertEquals(remote(server), found.remote());
                assertEquals(TcpState.ESTABLISHED, found.state());
                assertTrue(found.tcpInfo().isEmpty());
                assertEquals(Optional.empty(), serverSide.tcpSocket(local(server),
                        new InetSocketAddress(remote(server).getAddress(), remote(server).getPort() ^ 1), TCP_INFO),
                        "an unknown peer port must not fall back to the listener");
                assertEquals(Optional.empty(), serverSide.tcpSocket(new InetSocketAddress(
                        LinkedNamespaces.bAddress(4), 5001), remote(server), TCP_INFO));
                assertThrows(IllegalArgumentException.class, () -> serverSide.tcpSocket(local(server),
                        new InetSocketAddress(LinkedNamespaces.aAddress(6), 1), TCP_INFO));
                assertFalse(serverSide.tcpSocket(local(server), remote(server), TCP_INFO).orElseThrow().tcpInfo()
                        .isEmpty());
            }
        }
    }
}
