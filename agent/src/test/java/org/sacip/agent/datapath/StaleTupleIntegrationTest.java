package org.sacip.agent.datapath;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.sacip.agent.datapath.KernelState.TIMEOUT;
import static org.sacip.agent.datapath.KernelState.await;
import static org.sacip.agent.datapath.KernelState.elements;
import static org.sacip.agent.datapath.KernelState.tcpExtCounter;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.DatagramChannel;
import java.util.Arrays;
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
 * Whoever holds a moved peer's old address cannot reach the session's socket once the grace period is over. Host A
 * (on X) has a TCP stream and a UDP session with host B, then moves to Y; B follows. Host C, with its own link to
 * B, takes X over. Within {@link DataPath#LINGER} C's packets with the sessions' original tuples still reach B's
 * sockets (as late packets from X would): a datagram arrives, a replayed old segment is answered as a duplicate.
 * Once the test clock has passed the grace period and B's {@code maintain()} ran, they do not: the datagram is not
 * delivered, and segments of garbage with the stream's next sequence numbers (timestamps ahead, so nothing but our
 * rule stops them) leave the verified stream untouched. B's return to X as the peer's address lifts the block at
 * once. IPv4 and IPv6.
 */
@Tag("integration")
class StaleTupleIntegrationTest {
    private static final int PORT = 5001;
    private static final int UDP_A = 5353;
    private static final int UDP_B = 5002;
    private static final long PROGRESS = 8 * 1024;
    private static final int GARBAGE_SEGMENTS = 20;
    private static final int GARBAGE_SIZE = 1000;
    /** Timestamp ticks the injected segments run ahead of A's, past any PAWS check. */
    private static final long AHEAD = 1L << 20;

    @ParameterizedTest(name = "ipv6={0}")
    @ValueSource(booleans = {false, true})
    void whoeverTakesTheOldAddressCannotReachTheSessionAfterTheGracePeriod(boolean ipv6) throws Exception {
        Addresses ip = Addresses.of(ipv6);
        InetAddress x = ip.x();
        InetAddress y = ip.y();
        InetAddress b = ip.b();
        TestClock clock = new TestClock();
        try (Hosts hosts = Hosts.create("st", ip)) {
            TestNamespace nsA = hosts.a;
            TestNamespace nsB = hosts.b;
            TestNamespace nsC = hosts.c();
            Connections.Tcp tcp = Connections.tcp(nsB, b, PORT, nsA, x, 0);
            int port = tcp.client().getLocalPort();
            SessionTuple tcpAtA = tcp.atClient();
            SessionTuple tcpAtB = tcp.atServer();
            SessionTuple udpAtA = new SessionTuple(SessionProtocol.UDP, new Endpoint(x, UDP_A), new Endpoint(b, UDP_B));
            SessionTuple udpAtB = new SessionTuple(SessionProtocol.UDP, new Endpoint(b, UDP_B), new Endpoint(x, UDP_A));
            InetSocketAddress toB = new InetSocketAddress(b, UDP_B);
            WatchTable fromC = fromC(ip, hosts.bToC, port);
            fromC.load(nsB);
            // A writes, B reads and checks every byte.
            try (CounterStream stream = new CounterStream(tcp.client(), tcp.accepted());
                    DatagramChannel udpA = Connections.udp(nsA, x, UDP_A, null);
                    DatagramChannel udpB = Connections.udp(nsB, b, UDP_B, new InetSocketAddress(x, UDP_A));
                    RawSocket tcpB = RawSocket.receiver(nsB.netNamespace(), ipv6, RawSocket.TCP);
                    DataPath pathA = MoveOfA.dataPath(nsA, clock);
                    DataPath pathB = MoveOfA.dataPath(nsB, clock)) {
                pathA.install();
                pathB.install();
                stream.awaitProgress(PROGRESS, TIMEOUT, "before the move");
                Connections.send(udpA, "from A before the move", toB);
                assertEquals("from A before the move", Connections.await(udpB, "A's datagram before the move"));

                // A moves to Y, B follows.
                MoveOfA.announce(hosts, pathA, Set.of(tcpAtA, udpAtA));
                MoveOfA.confirm(hosts, pathA, pathB, Set.of(tcpAtA, udpAtA), Set.of(tcpAtB, udpAtB));
                stream.awaitProgress(PROGRESS, TIMEOUT, "after the move");

                // C takes X over, on its own link to B.
                nsC.exec(ip.addHostCommand(x, hosts.cLink));
                nsC.exec("ip", "route", "add", Addresses.text(b) + "/" + ip.hostPrefix(), "dev", hosts.cLink);
                nsB.exec("ip", "route", "add", Addresses.text(x) + "/" + ip.hostPrefix(), "dev", hosts.bToC);
                Hosts.pinNeighbour(nsC, hosts.cLink, b, Hosts.mac(nsB, hosts.bToC));
                Hosts.pinNeighbour(nsB, hosts.bToC, x, Hosts.mac(nsC, hosts.cLink));
                try (DatagramChannel udpC = Connections.udp(nsC, x, UDP_A, null);
                        RawSocket senderC = RawSocket.sender(nsC.netNamespace(), ipv6)) {
                    // Within the grace period the original tuple is still the session's: late packets from X land.
                    Connections.send(udpC, "from X within the grace period", toB);
                    assertEquals("from X within the grace period", Connections.await(udpB,
                            "a datagram from X within the grace period"));
                    Packets.TcpSegment dataFromA = Connections.sniff(tcpB, ipv6, s -> s.sourcePort() == port
                            && s.destinationPort() == PORT && s.payload().length > 0, "a data segment of A's");
                    long duplicates = tcpExtCounter(nsB, "DelayedACKLost");
                    long passed = fromC.packets(nsB, "tcpPassed");
                    senderC.send(Packets.tcp(x, b, dataFromA.withTimestampAhead(AHEAD)), b);
                    await(() -> tcpExtCounter(nsB, "DelayedACKLost") > duplicates,
                            "B's socket answering the old segment replayed from X as a duplicate");
                    assertEquals(passed + 1, fromC.packets(nsB, "tcpPassed"));
                    stream.awaitProgress(PROGRESS, TIMEOUT, "after the duplicate");

                    // The grace period passes: B's maintenance makes the pre-move tuples stale.
                    assertTrue(pathB.maintain(), "stale tuples yet to come");
                    clock.passLinger();
                    assertFalse(pathB.maintain(), "nothing left to come in B");
                    assertEquals(new ExpectedElements().remapping(Moves.peerMoved(tcpAtB, y))
                            .remapping(Moves.peerMoved(udpAtB, y)).stale(tcpAtB, b).stale(udpAtB, b).bySet(),
                            elements(nsB));

                    // Now a datagram from X is dropped: A's, sent after C's was seen arriving, comes first.
                    long udpArrived = fromC.packets(nsB, "udpArrived");
                    Connections.send(udpC, "from X after the grace period", toB);
                    await(() -> fromC.packets(nsB, "udpArrived") > udpArrived, "C's datagram arriving in B");
                    Connections.send(udpA, "from A after the grace period", toB);
                    assertEquals("from A after the grace period", Connections.await(udpB, "A's datagram"),
                            "C's datagram from X reached B's UDP socket after the grace period");
                    assertEquals(Optional.empty(), Connections.queued(udpB));

                    // And garbage from X in the stream's next sequence space changes nothing in it.
                    tcpB.drain();
                    Packets.TcpSegment latest = Connections.sniff(tcpB, ipv6, s -> s.sourcePort() == port
                            && s.destinationPort() == PORT && s.payload().length > 0, "a data segment of A's");
                    long tcpArrived = fromC.packets(nsB, "tcpArrived");
                    long tcpPassed = fromC.packets(nsB, "tcpPassed");
                    byte[] garbage = new byte[GARBAGE_SIZE];
                    Arrays.fill(garbage, (byte) 0xa5);
                    long next = latest.seq() + latest.payload().length;
                    for (int i = 0; i < GARBAGE_SEGMENTS; i++) {
                        long seq = (next + (long) i * GARBAGE_SIZE) & 0xffffffffL;
                        senderC.send(Packets.tcp(x, b, latest.withSeq(seq).withPayload(garbage)
                                .withFlags(Packets.ACK | Packets.PSH).withTimestampAhead(AHEAD)), b);
                    }
                    senderC.send(Packets.tcp(x, b, dataFromA.withTimestampAhead(AHEAD)), b);
                    await(() -> fromC.packets(nsB, "tcpArrived") >= tcpArrived + GARBAGE_SEGMENTS + 1,
                            "C's segments arriving in B");
                    stream.awaitProgress(4L * GARBAGE_SEGMENTS * GARBAGE_SIZE, TIMEOUT,
                            "past the sequence space C wrote garbage into");
                    assertEquals(tcpPassed, fromC.packets(nsB, "tcpPassed"), "C's segments got past the pre chain");

                    // The peer back at X: the tuple is the session's again at once.
                    pathB.commit(List.of(Remapping.identity(tcpAtB), Remapping.identity(udpAtB)), List.of(),
                            List.of());
                    assertFalse(elements(nsB).containsKey(ipv6 ? SacipSets.STALE6 : SacipSets.STALE4),
                            "stale tuples gone with the return");
                    Connections.send(udpC, "from X after the return", toB);
                    assertEquals("from X after the return", Connections.await(udpB, "a datagram from X after the"
                            + " return, without waiting for the grace period"));
                }
            }
        }
    }

    /** Counters in B for packets from C's link: on arrival, and after our pre chain (at -250, before conntrack). */
    private static WatchTable fromC(Addresses ip, String bToC, int port) {
        String fromC = "iifname " + bToC + " " + ip.nftFamily() + " saddr " + Addresses.text(ip.x());
        return new WatchTable("stale")
                .count("udpArrived", "prerouting", -400, fromC + " udp dport " + UDP_B)
                .count("tcpArrived", "prerouting", -400, fromC + " tcp sport " + port + " tcp dport " + PORT)
                .count("tcpPassed", "prerouting", -250, fromC + " tcp sport " + port + " tcp dport " + PORT);
    }
}
