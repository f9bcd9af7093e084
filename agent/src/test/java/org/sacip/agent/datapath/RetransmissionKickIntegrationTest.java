package org.sacip.agent.datapath;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.sacip.agent.datapath.KernelState.TIMEOUT;
import static org.sacip.agent.datapath.KernelState.await;

import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.sacip.agent.session.Endpoint;
import org.sacip.agent.session.OpeningProof;
import org.sacip.agent.session.Opener;
import org.sacip.agent.session.SessionOpened;
import org.sacip.agent.session.SessionProtocol;
import org.sacip.agent.session.SessionTuple;
import org.sacip.netlink.diag.SockDiagClient;
import org.sacip.netlink.diag.SocketDetail;
import org.sacip.netlink.diag.SocketInfo;
import org.sacip.netlink.diag.TcpInfo;
import org.sacip.protocol.message.Octets;

/**
 * The retransmission kick on a real socket whose timer backed off. A writes a verified counter stream to B; B's
 * namespace drops A's segments until A's timer has backed off 4 times (its next retransmission is 3.2 s away, and B
 * has nothing to send), then lets them through again and the kick is told the move converged. Over IPv4 the kernel must
 * take it: the backoff undone or a retransmission sent at once, seen by the agent ({@code reverted}) and in tcp_info; over IPv6 (no RFC 6069 in
 * tcp_v6_err) the socket is left to its timer and nothing is sent. A socket with nothing unacknowledged is left
 * alone. The stream goes on with no byte lost, repeated, corrupted or out of order.
 */
@Tag("integration")
class RetransmissionKickIntegrationTest {
    private static final int PORT = 5001;
    private static final long PROGRESS = 8 * 1024;
    private static final int SYN_ACK = 0x12;
    /** After 4 backoffs (about 3 s) the next retransmission is 3.2 s away: nothing but the kick comes first. */
    private static final int BACKOFFS = 4;

    @ParameterizedTest(name = "ipv6={0}")
    @ValueSource(booleans = {false, true})
    void aSocketWaitingForItsBackedOffTimerIsKickedOnceOverIpv4(boolean ipv6) throws Exception {
        Addresses ip = Addresses.of(ipv6);
        try (Hosts hosts = Hosts.create("rk", ip);
                RawSocket tcpA = RawSocket.receiver(hosts.a.netNamespace(), ipv6, RawSocket.TCP)) {
            Connections.Tcp tcp = Connections.tcp(hosts.b, ip.b(), PORT, hosts.a, ip.x(), 0);
            int clientPort = tcp.client().getLocalPort();
            // What the agent's ruleset logs: B's SYN-ACK, which carries both initial sequence numbers.
            Packets.TcpSegment synAck = Connections.sniff(tcpA, ipv6, s -> s.sourcePort() == PORT
                    && s.destinationPort() == clientPort && (s.flags() & SYN_ACK) == SYN_ACK, "B's SYN-ACK");
            SessionTuple tuple = new SessionTuple(SessionProtocol.TCP, new Endpoint(ip.x(), clientPort),
                    new Endpoint(ip.b(), PORT));
            OpeningProof proof = new OpeningProof(SessionProtocol.TCP, isn(synAck.ack() - 1), isn(synAck.seq()));
            try (CounterStream stream = new CounterStream(tcp.client(), tcp.accepted());
                    RetransmissionKick kick = RetransmissionKick.start(hosts.a.netNamespace(),
                            DataPathSettings.defaults());
                    SockDiagClient diag = SockDiagClient.open(hosts.a.netNamespace())) {
                stream.awaitProgress(PROGRESS, TIMEOUT, "before the outage");
                kick.opened(List.of(new SessionOpened(tuple, Opener.LOCAL, Optional.of(proof), Instant.now())));

                hosts.b.exec("nft", "add table inet outage { chain block { type filter hook input priority filter; "
                        + "tcp dport " + PORT + " drop; }; }");
                await(() -> info(diag, tuple).backoff() >= BACKOFFS, "A's retransmission timer backing off "
                        + BACKOFFS + " times");
                hosts.b.exec("nft", "delete table inet outage");
                TcpInfo before = info(diag, tuple);
                kick.converged(ip.x(), ip.b(), Set.of(tuple));
                await(() -> looked(kick.counts()) == 1, "the kick looking at A's socket: " + kick.counts());
                TcpInfo after = info(diag, tuple);
                if (ipv6) {
                    assertEquals(new RetransmissionKick.Counts(0, 0, 0, 0, 0, 1, 0), kick.counts(),
                            "IPv6: left to its timer");
                } else {
                    // Kicked once; whether the agent's own short look saw the kernel take it ("reverted") depends
                    // on when its look ran, so the kernel's state is what is checked below.
                    RetransmissionKick.Counts counts = kick.counts();
                    assertEquals(1, counts.kicked(), "IPv4: kicked once (before: " + brief(before) + "; after: "
                            + brief(after) + "): " + counts);
                    assertEquals(0, counts.failed() + counts.unsupported() + counts.unknown() + counts.stranded(),
                            "IPv4: " + counts);
                    assertTrue(after.backoff() < before.backoff() || after.totalRetrans() > before.totalRetrans(),
                            "tcp_info shows the kick: before backoff " + before.backoff() + ", "
                                    + before.totalRetrans() + " retransmission(s); after " + after.backoff() + ", "
                                    + after.totalRetrans());
                }
                stream.awaitProgress(PROGRESS, TIMEOUT, "after the outage");

                // Everything acknowledged now (A writes a chunk every 2 ms: wait for a moment with nothing in flight).
                await(() -> info(diag, tuple).unacked() == 0, "nothing unacknowledged on A's socket");
                long lookedBefore = looked(kick.counts());
                kick.converged(ip.x(), ip.b(), Set.of(tuple));
                await(() -> looked(kick.counts()) == lookedBefore + 1, "the kick looking at A's socket again");
                assertEquals(ipv6 ? 0 : 1, kick.counts().kicked(), "a socket with nothing to revert is not kicked: "
                        + kick.counts());
                stream.awaitProgress(PROGRESS, TIMEOUT, "at the end");
            }
        }
    }

    /**
     * The case the kernel will not revert. B receives A's first chunk but its acknowledgement is lost; A's second
     * chunk is lost too, and A's timeout retransmits both as one segment, lost again (backoff 1). Then B sends a byte,
     * whose acknowledgement covers only the first chunk: that clears A's retransmission count, not its backoff, and
     * tcp_ld_RTO_revert() would ignore any error. The kick counts the socket as stranded and sends nothing; A's own
     * timer then delivers the second chunk intact.
     */
    @Test
    void aSocketWhoseRetransmissionCountAnAcknowledgementClearedIsStranded() throws Exception {
        Addresses ip = Addresses.of(false);
        try (Hosts hosts = Hosts.create("rs", ip);
                RawSocket tcpA = RawSocket.receiver(hosts.a.netNamespace(), false, RawSocket.TCP)) {
            Connections.Tcp tcp = Connections.tcp(hosts.b, ip.b(), PORT, hosts.a, ip.x(), 0);
            Socket a = tcp.client();
            Socket b = tcp.accepted();
            a.setTcpNoDelay(true);
            b.setSoTimeout((int) TIMEOUT.toMillis());
            a.setSoTimeout((int) TIMEOUT.toMillis());
            int clientPort = a.getLocalPort();
            Packets.TcpSegment synAck = Connections.sniff(tcpA, false, s -> s.sourcePort() == PORT
                    && s.destinationPort() == clientPort && (s.flags() & SYN_ACK) == SYN_ACK, "B's SYN-ACK");
            SessionTuple tuple = new SessionTuple(SessionProtocol.TCP, new Endpoint(ip.x(), clientPort),
                    new Endpoint(ip.b(), PORT));
            OpeningProof proof = new OpeningProof(SessionProtocol.TCP, isn(synAck.ack() - 1), isn(synAck.seq()));
            byte[] first = chunk(1);
            byte[] second = chunk(2);
            try (RetransmissionKick kick = RetransmissionKick.start(hosts.a.netNamespace(),
                    DataPathSettings.defaults());
                    SockDiagClient diag = SockDiagClient.open(hosts.a.netNamespace())) {
                kick.opened(List.of(new SessionOpened(tuple, Opener.LOCAL, Optional.of(proof), Instant.now())));
                hosts.b.exec("nft", "add table inet outage { chain out { type filter hook output priority filter; "
                        + "tcp sport " + PORT + " drop; }; }");
                a.getOutputStream().write(first);
                assertArrayEquals(first, b.getInputStream().readNBytes(first.length), "B receives the first chunk");
                hosts.b.exec("nft", "add chain inet outage in { type filter hook input priority filter; "
                        + "tcp dport " + PORT + " drop; }");
                a.getOutputStream().write(second);
                await(() -> info(diag, tuple).backoff() >= 1, "A's retransmission timer backing off");
                hosts.b.exec("nft", "delete table inet outage");
                b.getOutputStream().write('b');
                assertEquals('b', a.getInputStream().read(), "A receives B's byte");
                TcpInfo partial = info(diag, tuple);
                assertTrue(partial.backoff() >= 1 && partial.retransmits() == 0 && partial.unacked() > 0,
                        "B's acknowledgement of the first chunk alone leaves A backed off with no retransmission"
                                + " count: " + brief(partial) + ", retransmits " + partial.retransmits());

                kick.converged(ip.x(), ip.b(), Set.of(tuple));
                await(() -> looked(kick.counts()) == 1, "the kick looking at A's socket: " + kick.counts());
                assertEquals(new RetransmissionKick.Counts(0, 0, 0, 1, 0, 0, 0), kick.counts(),
                        "stranded, and no error sent");
                assertArrayEquals(second, b.getInputStream().readNBytes(second.length),
                        "A's own timer delivers the second chunk intact");
            }
        }
    }

    /** 512 bytes of {@code mark}: a chunk that two of fit in one segment. */
    private static byte[] chunk(int mark) {
        byte[] chunk = new byte[512];
        Arrays.fill(chunk, (byte) mark);
        return chunk;
    }

    private static TcpInfo info(SockDiagClient diag, SessionTuple tuple) throws Exception {
        return diag.tcpSocket(new InetSocketAddress(tuple.local().address(), tuple.local().port()),
                new InetSocketAddress(tuple.remote().address(), tuple.remote().port()), Set.of(SocketDetail.TCP_INFO))
                .flatMap(SocketInfo::tcpInfo).orElseThrow(() -> new AssertionError("A's socket is gone: " + tuple));
    }

    private static String brief(TcpInfo info) {
        return "backoff " + info.backoff() + ", " + info.totalRetrans() + " retransmission(s), " + info.unacked()
                + " unacknowledged, " + info.bytesAcked() + " bytes acknowledged";
    }

    private static long looked(RetransmissionKick.Counts counts) {
        return counts.kicked() + counts.idle() + counts.stranded() + counts.unknown() + counts.unsupported()
                + counts.failed();
    }

    private static Octets isn(long value) {
        return Octets.of(ByteBuffer.allocate(4).putInt((int) value).array());
    }
}
