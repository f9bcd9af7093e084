package org.sacip.agent.datapath;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.sacip.agent.datapath.KernelState.TIMEOUT;
import static org.sacip.agent.datapath.KernelState.await;
import static org.sacip.agent.datapath.KernelState.elements;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.sacip.netlink.nftables.Element;
import org.sacip.netlink.nftables.SetReference;
import org.sacip.netlink.testing.TestNamespace;

/**
 * The receiving side drops bare resets (RST without ACK) on remapped wire tuples: they are what a kernel sends for a
 * packet that met no socket because its table was just flushed, and they would kill the session once the table is
 * back. Host A moved from X to Y (confirmed), B follows; one stream runs from A to B and one from B to A, each
 * receiver only acknowledging, so a reset quoting its acknowledgement carries exactly the sequence number the
 * other socket expects. First {@code nft flush ruleset} runs in both namespaces at once, round after round, with
 * the guards restoring: both streams survive. Then, with raw sockets, a bare reset with the exact sequence number is
 * sent on each remapped tuple (B's {@code in} entry, A's {@code indst} entry): it is dropped before conntrack and
 * the streams go on; the same reset with ACK passes and kills the connection. IPv4 and IPv6.
 */
@Tag("integration")
class BareResetIntegrationTest {
    private static final int TO_B = 5001;
    private static final int TO_A = 5002;
    private static final long PROGRESS = 8 * 1024;
    private static final int FLUSH_ROUNDS = 5;

    @ParameterizedTest(name = "ipv6={0}")
    @ValueSource(booleans = {false, true})
    void streamsSurviveRulesetFlushesInBothHostsAtOnce(boolean ipv6) throws Exception {
        Addresses ip = Addresses.of(ipv6);
        try (Hosts hosts = Hosts.create("br", ip); Moved moved = Moved.of(hosts)) {
            Map<SetReference, Set<Element>> movedA = elements(hosts.a);
            Map<SetReference, Set<Element>> movedB = elements(hosts.b);
            try (DataPathGuard guardA = DataPathGuard.start(moved.pathA);
                    DataPathGuard guardB = DataPathGuard.start(moved.pathB)) {
                for (int round = 1; round <= FLUSH_ROUNDS; round++) {
                    execTogether(List.of(hosts.a, hosts.b), "nft", "flush", "ruleset");
                    String when = "after flush round " + round;
                    await(() -> elements(hosts.a).equals(movedA), "A's data path restored " + when);
                    await(() -> elements(hosts.b).equals(movedB), "B's data path restored " + when);
                    moved.fromA.awaitProgress(PROGRESS, TIMEOUT, "A to B " + when);
                    moved.fromB.awaitProgress(PROGRESS, TIMEOUT, "B to A " + when);
                }
            }
            assertTrue(moved.pathA.restoreCount() >= 1 && moved.pathB.restoreCount() >= 1, "the guards restored");
        }
    }

    @ParameterizedTest(name = "ipv6={0}")
    @ValueSource(booleans = {false, true})
    void aBareResetOnARemappedTupleIsDroppedAndOneWithAckPasses(boolean ipv6) throws Exception {
        Addresses ip = Addresses.of(ipv6);
        InetAddress y = ip.y();
        InetAddress b = ip.b();
        try (Hosts hosts = Hosts.create("br", ip); Moved moved = Moved.of(hosts);
                RawSocket tcpA = RawSocket.receiver(hosts.a.netNamespace(), ipv6, RawSocket.TCP);
                RawSocket tcpB = RawSocket.receiver(hosts.b.netNamespace(), ipv6, RawSocket.TCP);
                RawSocket senderA = RawSocket.sender(hosts.a.netNamespace(), ipv6);
                RawSocket senderB = RawSocket.sender(hosts.b.netNamespace(), ipv6)) {
            int portToB = moved.toB.client().getLocalPort();
            int portToA = moved.toA.client().getLocalPort();
            // B's socket on the stream from B to A, A's on the stream from A to B: the ones whose peer only
            // acknowledges.
            WatchTable resetsB = resets(ip, hosts.bLink, "sport " + portToA + " tcp dport " + TO_A);
            WatchTable resetsA = resets(ip, hosts.aLink, "sport " + TO_B + " tcp dport " + portToB);
            resetsB.load(hosts.b);
            resetsA.load(hosts.a);

            // The segments each receiver sends carry the sequence number its peer's socket expects next.
            Packets.TcpSegment ackFromA = Connections.sniff(tcpB, ipv6, s -> s.sourcePort() == portToA
                    && s.destinationPort() == TO_A, "an acknowledgement of A's on the stream from B");
            Packets.TcpSegment ackFromB = Connections.sniff(tcpA, ipv6, s -> s.sourcePort() == TO_B
                    && s.destinationPort() == portToB, "an acknowledgement of B's on the stream from A");
            // As a kernel without our table would answer: from the wire tuple, bare, with that sequence number.
            Packets.TcpSegment bareToB = ackFromA.withoutOptions().withFlags(Packets.RST).withPayload(new byte[0]);
            Packets.TcpSegment bareToA = ackFromB.withoutOptions().withFlags(Packets.RST).withPayload(new byte[0]);

            senderA.send(Packets.tcp(y, b, bareToB), b);
            senderB.send(Packets.tcp(b, y, bareToA), y);
            await(() -> resetsB.packets(hosts.b, "arrived") == 1, "the bare reset arriving in B");
            await(() -> resetsA.packets(hosts.a, "arrived") == 1, "the bare reset arriving in A");
            moved.fromB.awaitProgress(PROGRESS, TIMEOUT, "B to A after the bare reset to B's socket");
            moved.fromA.awaitProgress(PROGRESS, TIMEOUT, "A to B after the bare reset to A's socket");
            assertEquals(0, resetsB.packets(hosts.b, "passed"), "B's pre chain let the bare reset through");
            assertEquals(0, resetsA.packets(hosts.a, "passed"), "A's pre chain let the bare reset through");

            // The same resets with ACK, as a socket sends them, are the session's business: they pass and kill it.
            senderA.send(Packets.tcp(y, b, bareToB.withFlags(Packets.RST | Packets.ACK)), b);
            senderB.send(Packets.tcp(b, y, bareToA.withFlags(Packets.RST | Packets.ACK)), y);
            String endB = moved.fromB.awaitFailure(TIMEOUT, "B's socket reset by RST|ACK");
            String endA = moved.fromA.awaitFailure(TIMEOUT, "A's socket reset by RST|ACK");
            assertEquals(1, resetsB.packets(hosts.b, "passed"));
            assertEquals(1, resetsA.packets(hosts.a, "passed"));
            assertTrue(endB.contains("reset") || endB.contains("Broken pipe"), endB);
            assertTrue(endA.contains("reset") || endA.contains("Broken pipe"), endA);
        }
    }

    /** Resets on one stream's wire tuple arriving over {@code link}: before our pre chain, and after it. */
    private static WatchTable resets(Addresses ip, String link, String ports) {
        String match = "iifname " + link + " meta l4proto tcp tcp flags & rst == rst tcp " + ports;
        return new WatchTable("resets")
                .count("arrived", "prerouting", -400, match)
                .count("passed", "prerouting", -250, match);
    }

    /** Runs the command in every namespace at once and waits for all of them. */
    private static void execTogether(List<TestNamespace> namespaces, String... command) throws Exception {
        List<Process> processes = new ArrayList<>();
        for (TestNamespace namespace : namespaces) {
            List<String> full = new ArrayList<>(List.of("ip", "netns", "exec", namespace.name()));
            full.addAll(List.of(command));
            processes.add(new ProcessBuilder(full).redirectErrorStream(true).start());
        }
        for (Process process : processes) {
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(TIMEOUT.toSeconds(), TimeUnit.SECONDS) || process.exitValue() != 0) {
                process.destroyForcibly();
                throw new IOException(String.join(" ", command) + " failed: " + output);
            }
        }
    }

    /**
     * A moved from X to Y (confirmed, ghost active), B follows; a stream from A to B and one from B to A, both
     * remapped.
     */
    private record Moved(DataPath pathA, DataPath pathB, Connections.Tcp toB, Connections.Tcp toA,
            CounterStream fromA, CounterStream fromB) implements AutoCloseable {

        static Moved of(Hosts hosts) throws Exception {
            Addresses ip = hosts.ip;
            TestClock clock = new TestClock();
            Connections.Tcp toB = Connections.tcp(hosts.b, ip.b(), TO_B, hosts.a, ip.x(), 0);
            Connections.Tcp toA = Connections.tcp(hosts.b, ip.b(), TO_A, hosts.a, ip.x(), 0);
            List<AutoCloseable> opened = new ArrayList<>();
            try {
                CounterStream fromA = open(opened, new CounterStream(toB.client(), toB.accepted()));
                CounterStream fromB = open(opened, new CounterStream(toA.accepted(), toA.client()));
                DataPath pathA = open(opened, MoveOfA.dataPath(hosts.a, clock));
                DataPath pathB = open(opened, MoveOfA.dataPath(hosts.b, clock));
                pathA.install();
                pathB.install();
                fromA.awaitProgress(PROGRESS, TIMEOUT, "A to B before the move");
                fromB.awaitProgress(PROGRESS, TIMEOUT, "B to A before the move");
                MoveOfA.move(hosts, pathA, pathB, List.of(toB, toA));
                fromA.awaitProgress(PROGRESS, TIMEOUT, "A to B after the move");
                fromB.awaitProgress(PROGRESS, TIMEOUT, "B to A after the move");
                return new Moved(pathA, pathB, toB, toA, fromA, fromB);
            } catch (Exception | Error e) {
                for (AutoCloseable resource : opened) {
                    try {
                        resource.close();
                    } catch (Exception suppressed) {
                        e.addSuppressed(suppressed);
                    }
                }
                throw e;
            }
        }

        private static <T extends AutoCloseable> T open(List<AutoCloseable> opened, T resource) {
            opened.add(resource);
            return resource;
        }

        @Override
        public void close() throws Exception {
            try {
                fromA.close();
                fromB.close();
            } finally {
                pathA.close();
                pathB.close();
            }
        }
    }
}
