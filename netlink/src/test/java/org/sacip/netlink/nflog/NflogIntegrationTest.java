package org.sacip.netlink.nflog;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.DatagramPacket;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;
import org.sacip.netlink.NetlinkErrorException;
import org.sacip.netlink.NetlinkOverrunException;
import org.sacip.netlink.packet.PacketHeaders;
import org.sacip.netlink.packet.TcpFlag;
import org.sacip.netlink.packet.TcpHeader;
import org.sacip.netlink.packet.UdpHeader;
import org.sacip.netlink.testing.Await;
import org.sacip.netlink.testing.LinkedNamespaces;

/**
 * nfnetlink_log against nft {@code log group} rules in two namespaces joined by a veth pair: the SYN-ACK of a real
 * TCP connection as the server sends it and as the client receives it, the first datagram of a UDP flow, and an
 * overrun of a deliberately small receive buffer.
 */
@Tag("integration")
class NflogIntegrationTest {
    private static final int CLIENT_GROUP = 5;
    private static final int SERVER_GROUP = 7;
    private static final Duration WAIT = Duration.ofSeconds(20);

    /** Client side: its SYN on the way out, the SYN-ACK on the way in, new UDP flows it starts. */
    private static final String CLIENT_RULES = "add table inet nflogtest\n"
            + "add chain inet nflogtest in { type filter hook input priority 0; }\n"
            + "add chain inet nflogtest out { type filter hook output priority 0; }\n"
            + "add rule inet nflogtest in tcp flags & (syn|ack) == syn|ack log group 5 snaplen 80 prefix \"synack\"\n"
            + "add rule inet nflogtest out tcp flags & (syn|ack) == syn log group 5 snaplen 80 prefix \"syn\"\n"
            + "add rule inet nflogtest out meta l4proto udp ct state new log group 5 prefix \"udp\"\n";
    /** Server side: the SYN-ACK on the way out, the client's ACKs to port 5000, new UDP flows that reach it. */
    private static final String SERVER_RULES = "add table inet nflogtest\n"
            + "add chain inet nflogtest in { type filter hook input priority 0; }\n"
            + "add chain inet nflogtest out { type filter hook output priority 0; }\n"
            + "add rule inet nflogtest out tcp flags & (syn|ack) == syn|ack log group 7 snaplen 80 prefix \"synack\"\n"
            + "add rule inet nflogtest in tcp dport 5000 tcp flags & (syn|ack|fin|rst) == ack"
            + " log group 7 snaplen 80 prefix \"ack\"\n"
            + "add rule inet nflogtest in meta l4proto udp ct state new log group 7 prefix \"udp\"\n";

    private static void loadRules(LinkedNamespaces lab) throws Exception {
        lab.a.exec("nft", CLIENT_RULES);
        lab.b.exec("nft", SERVER_RULES);
    }

    private static List<LoggedPacket> withPrefix(List<LoggedPacket> packets, String prefix) {
        return packets.stream().filter(p -> p.prefix().orElse("").equals(prefix)).toList();
    }

    private static TcpHeader tcp(LoggedPacket packet) throws Exception {
        return (TcpHeader) PacketHeaders.parse(packet.payload()).transport();
    }

    @ParameterizedTest(name = "IPv{0}")
    @ValueSource(ints = {4, 6})
    void synAckLoggedOnBothSidesCarriesBothInitialSequenceNumbers(int ipVersion) throws Exception {
        try (LinkedNamespaces lab = LinkedNamespaces.create("nl");
                NflogClient client = NflogClient.open(lab.a.netNamespace(), NflogConfig.group(CLIENT_GROUP));
                NflogClient server = NflogClient.open(lab.b.netNamespace(), NflogConfig.group(SERVER_GROUP))) {
            loadRules(lab);
            Instant before = Instant.now();
            try (ServerSocket listener = lab.b.netNamespace().call(() ->
                    new ServerSocket(5000, 5, LinkedNamespaces.bAddress(ipVersion)));
                    Socket connection = lab.a.netNamespace().call(() -> {
                        Socket socket = new Socket();
                        socket.bind(new InetSocketAddress(LinkedNamespaces.aAddress(ipVersion), 0));
                        return socket;
                    })) {
                connection.connect(listener.getLocalSocketAddress());
                try (Socket accepted = listener.accept()) {
                    int clientPort = connection.getLocalPort();
                    List<LoggedPacket> atClient = Await.until(client::poll,
                            got -> withPrefix(got, "synack").size() == 1 && withPrefix(got, "syn").size() == 1,
                            WAIT, "the client's SYN and the SYN-ACK it received");
                    List<LoggedPacket> atServer = Await.until(server::poll,
                            got -> withPrefix(got, "synack").size() == 1, WAIT, "the SYN-ACK the server sent");

                    LoggedPacket received = withPrefix(atClient, "synack").get(0);
                    LoggedPacket sent = withPrefix(atServer, "synack").get(0);
                    LoggedPacket syn = withPrefix(atClient, "syn").get(0);
                    int family = ipVersion == 4 ? LoggedPacket.FAMILY_IPV4 : LoggedPacket.FAMILY_IPV6;
                    assertEquals(family, received.family());
                    assertEquals(LoggedPacket.HOOK_INPUT, received.hook());
                    assertEquals(LoggedPacket.HOOK_OUTPUT, sent.hook());
                    assertEquals(CLIENT_GROUP, received.group());
                    assertEquals(SERVER_GROUP, sent.group());
                    assertEquals(ipVersion == 4 ? 0x0800 : 0x86dd, received.hardwareProtocol());
                    assertEquals(LinkedNamespaces.interfaceIndex(lab.a, lab.aInterface),
                            received.inputInterface().orElseThrow());
                    assertEquals(LinkedNamespaces.interfaceIndex(lab.b, lab.bInterface),
                            sent.outputInterface().orElseThrow());
                    assertFalse(received.outputInterface().isPresent());
                    assertFalse(sent.inputInterface().isPresent());
                    assertTrue(received.mark().isEmpty(), "no mark was set");
                    Instant stamp = received.timestamp().orElseThrow();
                    assertFalse(stamp.isBefore(before.minusSeconds(1)) || stamp.isAfter(Instant.now().plusSeconds(1)),
                            "receive timestamp " + stamp + " lies outside the test's run from " + before);
                    assertTrue(sent.timestamp().isEmpty(), "the output hook has no receive timestamp");
                    assertTrue(received.payload().length <= 80, "snaplen 80 caps the copy");

                    PacketHeaders onWire = PacketHeaders.parse(received.payload());
                    assertEquals(ipVersion, onWire.ip().version());
                    assertEquals(LinkedNamespaces.bAddress(ipVersion), onWire.ip().source());
                    assertEquals(LinkedNamespaces.aAddress(ipVersion), onWire.ip().destination());
                    TcpHeader synAck = tcp(received);
                    assertEquals(EnumSet.of(TcpFlag.SYN, TcpFlag.ACK), EnumSet.copyOf(synAck.flags()));
                    assertEquals(5000, synAck.sourcePort());
                    assertEquals(clientPort, synAck.destinationPort());
                    assertEquals(accepted.getPort(), synAck.destinationPort());
                    assertEquals(0, synAck.payloadLength());
                    assertTrue(synAck.headerLength() > 20, "a Linux SYN-ACK carries options (MSS at least)");

                    // Both ends of the veth saw the same segment: the server's ISN and the client's ISN + 1.
                    assertEquals(synAck, tcp(sent));
                    TcpHeader clientSyn = tcp(syn);
                    assertEquals(Set.of(TcpFlag.SYN), clientSyn.flags());
                    assertEquals(clientPort, clientSyn.sourcePort());
                    long clientIsn = (synAck.acknowledgement() - 1) & 0xffffffffL;
                    assertEquals(clientSyn.sequence(), clientIsn, "client ISN = SYN-ACK ack - 1");
                    long serverIsn = synAck.sequence();
                    // The handshake's last ACK, as the server received it, acknowledges the server's ISN + 1.
                    TcpHeader handshakeAck = tcp(Await.until(server::poll, got -> !withPrefix(got, "ack").isEmpty(),
                            WAIT, "the client's ACK at the server").stream()
                            .filter(p -> p.prefix().orElse("").equals("ack")).findFirst().orElseThrow());
                    assertEquals((serverIsn + 1) & 0xffffffffL, handshakeAck.acknowledgement(),
                            "server ISN = SYN-ACK seq");
                    assertEquals((clientIsn + 1) & 0xffffffffL, handshakeAck.sequence());
                    assertEquals(clientPort, handshakeAck.sourcePort());
                }
            }
        }
    }

    @Test
    void firstDatagramOfAUdpFlowIsLoggedWithItsPayload() throws Exception {
        try (LinkedNamespaces lab = LinkedNamespaces.create("nu");
                NflogClient client = NflogClient.open(lab.a.netNamespace(), NflogConfig.group(CLIENT_GROUP));
                NflogClient server = NflogClient.open(lab.b.netNamespace(), NflogConfig.group(SERVER_GROUP))) {
            loadRules(lab);
            try (DatagramChannel receiver = lab.b.netNamespace().call(() -> DatagramChannel.open()
                    .bind(new InetSocketAddress(LinkedNamespaces.B4, 5353)));
                    DatagramChannel first = lab.a.netNamespace().call(() -> DatagramChannel.open()
                            .bind(new InetSocketAddress(LinkedNamespaces.A4, 0)));
                    DatagramChannel second = lab.a.netNamespace().call(() -> DatagramChannel.open()
                            .bind(new InetSocketAddress(LinkedNamespaces.A4, 0)))) {
                byte[] hello = ("hello nflog " + System.nanoTime()).getBytes(StandardCharsets.US_ASCII);
                first.send(ByteBuffer.wrap(hello), receiver.getLocalAddress());
                // Once the server answered, the flow is established for conntrack on both sides, so the flow's
                // next datagram is not logged; the next logged one is the second flow's.
                receiver.socket().setSoTimeout((int) WAIT.toMillis());
                first.socket().setSoTimeout((int) WAIT.toMillis());
                DatagramPacket request = new DatagramPacket(new byte[100], 100);
                receiver.socket().receive(request);
                receiver.socket().send(new DatagramPacket(new byte[] {1}, 1, request.getSocketAddress()));
                first.socket().receive(new DatagramPacket(new byte[10], 10));
                first.send(ByteBuffer.wrap(new byte[] {2}), receiver.getLocalAddress());
                byte[] other = "second flow".getBytes(StandardCharsets.US_ASCII);
                second.send(ByteBuffer.wrap(other), receiver.getLocalAddress());

                for (NflogClient side : List.of(client, server)) {
                    List<LoggedPacket> logged = Await.until(side::poll, got -> got.size() >= 2, WAIT,
                            "two new UDP flows");
                    assertEquals(2, logged.size(), logged.toString());
                    UdpHeader start = (UdpHeader) PacketHeaders.parse(logged.get(0).payload()).transport();
                    assertEquals(((InetSocketAddress) first.getLocalAddress()).getPort(), start.sourcePort());
                    assertEquals(5353, start.destinationPort());
                    assertArrayEquals(hello, start.payload());
                    assertEquals(8 + hello.length, start.length());
                    assertFalse(start.truncated());
                    UdpHeader next = (UdpHeader) PacketHeaders.parse(logged.get(1).payload()).transport();
                    assertEquals(((InetSocketAddress) second.getLocalAddress()).getPort(), next.sourcePort());
                    assertArrayEquals(other, next.payload());
                }
            }
        }
    }

    @Test
    void copyRangeCutsThePayloadAndSaysSo() throws Exception {
        try (LinkedNamespaces lab = LinkedNamespaces.create("nc");
                NflogClient client = NflogClient.open(lab.a.netNamespace(),
                        NflogConfig.group(CLIENT_GROUP).withCopyRange(20 + 8 + 4))) {
            loadRules(lab);
            try (DatagramChannel sender = lab.a.netNamespace().call(() -> DatagramChannel.open()
                    .bind(new InetSocketAddress(LinkedNamespaces.A4, 0)))) {
                sender.send(ByteBuffer.wrap("0123456789".getBytes(StandardCharsets.US_ASCII)),
                        new InetSocketAddress(LinkedNamespaces.B4, 9));
                LoggedPacket packet = Await.until(client::poll, got -> !got.isEmpty(), WAIT, "the datagram").get(0);
                assertEquals(32, packet.payload().length);
                UdpHeader udp = (UdpHeader) PacketHeaders.parse(packet.payload()).transport();
                assertEquals(18, udp.length());
                assertArrayEquals("0123".getBytes(StandardCharsets.US_ASCII), udp.payload());
                assertTrue(udp.truncated());
            }
        }
    }

    @Test
    void secondBindOfTheSameGroupIsRefused() throws Exception {
        try (LinkedNamespaces lab = LinkedNamespaces.create("nb");
                NflogClient first = NflogClient.open(lab.a.netNamespace(), NflogConfig.group(CLIENT_GROUP))) {
            NetlinkErrorException busy = assertThrows(NetlinkErrorException.class,
                    () -> NflogClient.open(lab.a.netNamespace(), NflogConfig.group(CLIENT_GROUP)).close());
            assertEquals("EPERM", busy.errnoName());
            assertEquals(CLIENT_GROUP, first.config().group());
        }
    }

    @Test
    void overrunOfASmallBufferIsReportedAndTheClientGoesOn() throws Exception {
        try (LinkedNamespaces lab = LinkedNamespaces.create("no");
                NflogClient client = NflogClient.open(lab.a.netNamespace(),
                        NflogConfig.group(9).withReceiveBuffer(1))) {
            lab.a.exec("nft", "add table inet burst; add chain inet burst out { type filter hook output priority 0; };"
                    + " add rule inet burst out udp dport 9 log group 9");
            int sent = 300;
            try (DatagramChannel sender = lab.a.netNamespace().call(() -> DatagramChannel.open()
                    .bind(new InetSocketAddress(LinkedNamespaces.A4, 0)))) {
                for (int i = 0; i < sent; i++) {
                    sender.send(ByteBuffer.wrap(new byte[1000]), new InetSocketAddress(LinkedNamespaces.B4, 9));
                }
            }
            List<LoggedPacket> received = new ArrayList<>();
            boolean overrun = false;
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (System.nanoTime() < deadline) {
                try {
                    List<LoggedPacket> batch = client.poll(Duration.ofMillis(200));
                    if (batch.isEmpty() && overrun) {
                        break;
                    }
                    received.addAll(batch);
                } catch (NetlinkOverrunException expected) {
                    overrun = true;
                }
            }
            assertTrue(overrun, "a " + client.receiveBufferSize() + "-byte buffer cannot hold " + sent
                    + " logged datagrams; the loss must be reported");
            assertTrue(received.size() < sent, "received " + received.size() + " of " + sent);
            // The group stays bound: the next logged packet arrives.
            try (DatagramChannel sender = lab.a.netNamespace().call(() -> DatagramChannel.open()
                    .bind(new InetSocketAddress(LinkedNamespaces.A4, 0)))) {
                sender.send(ByteBuffer.wrap(new byte[] {42}), new InetSocketAddress(LinkedNamespaces.B4, 9));
                LoggedPacket after = Await.until(client::poll, got -> got.stream().anyMatch(p ->
                        p.payload().length == 20 + 8 + 1), WAIT, "a datagram after the overrun").stream()
                        .filter(p -> p.payload().length == 29).findFirst().orElseThrow();
                assertArrayEquals(new byte[] {42}, ((UdpHeader) PacketHeaders.parse(after.payload()).transport())
                        .payload());
            }
        }
    }
}
