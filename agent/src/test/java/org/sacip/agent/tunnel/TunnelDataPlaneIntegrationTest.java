package org.sacip.agent.tunnel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.sacip.agent.session.Endpoint;
import org.sacip.agent.session.SessionProtocol;
import org.sacip.agent.session.SessionTuple;
import org.sacip.netlink.packet.InnerPacket;
import org.sacip.netlink.testing.IpPackets;
import org.sacip.netlink.testing.TestNamespace;
import org.sacip.netlink.udp.ReceivedDatagram;
import org.sacip.netlink.udp.UdpSocket;
import org.sacip.protocol.message.Octets;
import org.sacip.protocol.message.SacipAddress;
import org.sacip.protocol.message.UdpEndpoint;
import org.sacip.protocol.tunnel.DataDatagram;
import org.sacip.protocol.tunnel.TunnelKeys;
import org.sacip.protocol.tunnel.TunnelOpener;
import org.sacip.protocol.tunnel.TunnelRole;
import org.sacip.protocol.tunnel.TunnelSealer;

/**
 * B's tunnel data plane in a namespace of its own, fed datagrams as A (behind a NAT) would seal them: B's socket
 * knows A's UDP flow at the NAT's endpoint N:61001, A's own endpoint inside the tunnel is X:40000. A sealed packet
 * reaches B's socket from N:61001 (B translates), B's answer leaves sealed with X:40000 in it; and nothing else gets
 * in: a replayed, a mutated or a forged datagram, an unknown tunnel, a packet of another port or another host (with
 * ip_forward=1) or of a session bound to another lineage, an empty datagram. Each is counted. The namespace's
 * rp_filter is off: the ruleset that marks packets out of the device is not loaded here (the lab tests run with it
 * and strict rp_filter).
 */
@Tag("integration")
class TunnelDataPlaneIntegrationTest {
    private static final Duration WAIT = Duration.ofSeconds(3);
    private static final Duration NOTHING = Duration.ofMillis(300);
    private static final Octets LINEAGE = Octets.of(new byte[] {1, 2, 3, 4, 5, 6, 7, 8});
    private static final Octets OTHER_LINEAGE = Octets.of(new byte[] {9, 9, 9, 9, 9, 9, 9, 9});

    @Test
    void theDeviceKeepsABurstOfCarriedPacketsForItsReader() throws Exception {
        try (TestNamespace ns = TestNamespace.create("tdq");
                TunnelDataPlane plane = TunnelDataPlane.start(Optional.of(ns.netNamespace()), "sacip0", 9_361_256L,
                        32_699L, 0x02000000L, (from, to, data, length, segmentSize) -> 0)) {
            // Beyond the default 500 (TunDeviceIntegrationTest shows the ring keeps what the queue length says).
            String device = ns.exec("ip", "link", "show", "sacip0");
            assertTrue(device.contains(" qlen " + TunnelDataPlane.QUEUE_LENGTH), device);
        }
    }

    @Test
    void theTunnelIsRehearsedOnceAndNotOnceItCarried() throws Exception {
        try (TestNamespace ns = TestNamespace.create("tdr");
                TunnelDataPlane plane = TunnelDataPlane.start(Optional.of(ns.netNamespace()), "sacip0", 9_361_256L,
                        32_699L, 0x02000000L, (from, to, data, length, segmentSize) -> 0);
                TunnelDataPlane carrying = TunnelDataPlane.start(Optional.of(ns.netNamespace()), "sacip1",
                        9_361_257L, 32_698L, 0x04000000L, (from, to, data, length, segmentSize) -> 1)) {
            assertEquals(TunnelRehearsal.DATAGRAMS, plane.rehearseOnce());
            assertEquals(-1, plane.rehearseOnce(), "once per agent");

            // An opener's first datagram (empty) counts as carried: its own traffic warms the code from then on.
            SecureRandom random = new SecureRandom();
            TunnelKeys keys = TunnelKeys.derive(octets(random, 32), LINEAGE, octets(random, 16), octets(random, 16));
            carrying.start(LINEAGE, keys, TunnelRole.OPENER,
                    new UdpEndpoint(SacipAddress.parse("198.18.10.2"), 4253),
                    new UdpEndpoint(SacipAddress.parse("198.18.0.2"), 4253));
            assertEquals(-1, carrying.rehearseOnce(), "not beside carried packets");
        }
    }

    @Test
    void onlySealedPacketsOfBoundSessionsGetInAndAnswersLeaveTranslated() throws Exception {
        InetAddress b = ip("198.18.0.2");
        InetAddress nat = ip("198.19.0.1");
        InetAddress x = ip("198.18.10.2");
        try (TestNamespace ns = TestNamespace.create("tdp")) {
            String link = ns.addVethPair("up");
            ns.exec("ip", "addr", "add", "198.18.0.2/24", "dev", link);
            ns.exec("sysctl", "-q", "-w", "net.ipv4.conf.all.rp_filter=0", "net.ipv4.conf.default.rp_filter=0",
                    "net.ipv4.ip_forward=1");
            List<byte[]> sent = new CopyOnWriteArrayList<>();
            LinkedBlockingQueue<UdpEndpoint> unknown = new LinkedBlockingQueue<>();
            LinkedBlockingQueue<Long> confirmed = new LinkedBlockingQueue<>();
            try (TunnelDataPlane plane = TunnelDataPlane.start(Optional.of(ns.netNamespace()), "sacip0", 9_361_256L,
                    32_699L, 0x02000000L, (from, to, data, length, segmentSize) -> {
                        for (int at = 0; at < length; at += segmentSize) {
                            sent.add(Arrays.copyOfRange(data, at, Math.min(length, at + segmentSize)));
                        }
                        return (length + segmentSize - 1) / segmentSize;
                    });
                    UdpSocket server = UdpSocket.open(ns.netNamespace(), 4, 5000, 0)) {
                ns.exec("sysctl", "-q", "-w", "net.ipv4.conf.sacip0.rp_filter=0");
                plane.events(new TunnelDataPlane.Events() {
                    @Override
                    public void confirmed(Octets lineage, long tunnelId) {
                        confirmed.add(tunnelId);
                    }

                    @Override
                    public void unknownTunnel(UdpEndpoint from) {
                        unknown.add(from);
                    }

                    @Override
                    public void wornOut(Octets lineage) {
                        throw new AssertionError("a handful of datagrams wear out no tunnel");
                    }
                });
                SecureRandom random = new SecureRandom();
                TunnelKeys keys = TunnelKeys.derive(octets(random, 32), LINEAGE, octets(random, 16),
                        octets(random, 16));
                UdpEndpoint path = new UdpEndpoint(SacipAddress.of(nat), 61000);
                plane.start(LINEAGE, keys, TunnelRole.ACCEPTER, new UdpEndpoint(
                        SacipAddress.of(b), 4253), path);
                SessionTuple flow = new SessionTuple(SessionProtocol.UDP, new Endpoint(b, 5000),
                        new Endpoint(nat, 61001));
                plane.bound(flow, LINEAGE, new Endpoint(x, 40000));
                plane.bound(new SessionTuple(SessionProtocol.UDP, new Endpoint(b, 5002), new Endpoint(nat, 61002)),
                        OTHER_LINEAGE, new Endpoint(x, 40002));
                TunnelSealer a = new TunnelSealer(keys, TunnelRole.OPENER);

                // A valid packet of the bound flow: delivered, from the endpoint B's socket knows.
                byte[] hello = seal(a, IpPackets.udp(x, 40000, b, 5000, bytes("hello")));
                assertTrue(plane.receive(path, hello));
                ReceivedDatagram got = server.receive(WAIT).orElseThrow(() -> new AssertionError(
                        "nothing delivered: " + plane.counters()));
                assertEquals("hello", new String(got.payload(), StandardCharsets.US_ASCII));
                assertEquals(nat, got.source());
                assertEquals(61001, got.sourcePort());
                assertEquals(keys.tunnelId(), confirmed.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS),
                        "the first datagram confirms the accepted tunnel");

                // What must not get in.
                assertTrue(plane.receive(path, hello), "replayed");
                byte[] mutated = seal(a, IpPackets.udp(x, 40000, b, 5000, bytes("mutated")));
                mutated[DataDatagram.HEADER_LENGTH + 3] ^= 1;
                assertTrue(plane.receive(path, mutated));
                byte[] forged = seal(new TunnelSealer(TunnelKeys.derive(octets(random, 32), LINEAGE,
                        octets(random, 16), octets(random, 16)), TunnelRole.OPENER), IpPackets.udp(x, 40000, b,
                        5000, bytes("forged")));
                UdpEndpoint stranger = new UdpEndpoint(SacipAddress.of(
                        ip("198.19.0.66")), 9999);
                assertTrue(plane.receive(stranger, forged));
                assertEquals(stranger, unknown.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS));
                byte[] sameIdBadKey = forged.clone();
                ByteBuffer.wrap(sameIdBadKey).putLong(8, keys.tunnelId());
                assertTrue(plane.receive(path, sameIdBadKey));
                assertTrue(plane.receive(path, seal(a, IpPackets.udp(x, 40000, b, 5001, bytes("other port")))));
                assertTrue(plane.receive(path, seal(a, IpPackets.udp(x, 40000, ip("198.18.0.99"), 5000,
                        bytes("relay")))));
                assertTrue(plane.receive(path, seal(a, IpPackets.udp(x, 40002, b, 5002, bytes("other key")))));
                assertTrue(plane.receive(path, seal(a, new byte[0])), "an empty datagram carries nothing");
                assertEquals(Optional.empty(), server.receive(NOTHING).map(d -> new String(d.payload(),
                        StandardCharsets.US_ASCII)), "nothing else reached the socket");
                Map<String, Long> counters = plane.counters();
                assertEquals(1L, counters.get("packets_in"), counters.toString());
                assertEquals(3L, counters.get("dropped_rejected"), "replayed, mutated, wrong key: " + counters);
                assertEquals(1L, counters.get("dropped_unknown_tunnel"), counters.toString());
                assertEquals(3L, counters.get("dropped_not_bound"), "other port, other host, other key: "
                        + counters);
                assertEquals(List.of(), sent, "a datagram is never answered");

                // TCP segments of a carried flow that follow each other are held back and written as one packet
                // when the socket has nothing more queued.
                plane.bound(new SessionTuple(SessionProtocol.TCP, new Endpoint(b, 5004), new Endpoint(nat, 61004)),
                        LINEAGE, new Endpoint(x, 40004));
                for (int i = 0; i < 3; i++) {
                    assertTrue(plane.receive(path, seal(a, IpPackets.tcp(x, 40004, b, 5004, 1000 + 100L * i, 1,
                            0x10, new byte[100]))));
                }
                assertEquals(1L, plane.counters().get("packets_in"), "held: " + plane.counters());
                plane.receivedAll();
                assertEquals(4L, plane.counters().get("packets_in"), "written: " + plane.counters());
                assertEquals(0L, plane.counters().get("dropped_send_failed"), plane.counters().toString());

                // A's datagram in three fragments: B's socket gets it whole, from the NAT's endpoint it knows.
                byte[] big = new byte[3000];
                Arrays.fill(big, (byte) 0x33);
                for (byte[] fragment : fragments(IpPackets.udp(x, 40000, b, 5000, big), 1400)) {
                    assertTrue(plane.receive(path, seal(a, fragment)));
                }
                ReceivedDatagram whole = server.receive(WAIT).orElseThrow(() -> new AssertionError(
                        "not reassembled: " + plane.counters()));
                assertArrayEquals(big, whole.payload());
                assertEquals(nat, whole.source());
                assertEquals(61001, whole.sourcePort());

                // B's answer: routed into the device, sealed with A's own endpoint inside.
                ns.exec("ip", "route", "add", "198.19.0.1/32", "dev", "sacip0");
                server.send(bytes("answer"), nat, 61001, b);
                byte[] answer = await(sent, plane);
                TunnelOpener atA = new TunnelOpener(keys, TunnelRole.OPENER);
                byte[] plain = new byte[answer.length];
                int length = atA.open(answer, 0, answer.length, plain, 0);
                assertTrue(length > 0, "opens at A: " + length);
                InnerPacket inner = InnerPacket.parse(ByteBuffer.wrap(plain, 0, length));
                assertEquals(x, inner.destinationAddress());
                assertEquals(40000, inner.destinationPort());
                assertEquals(b, inner.sourceAddress());
                assertArrayEquals(IpPackets.refreshChecksums(Arrays.copyOf(plain, length)),
                        Arrays.copyOf(plain, length), "checksums right after the translation");

                // A flow that is not carried is not sent.
                try (UdpSocket other = UdpSocket.open(ns.netNamespace(), 4, 5003, 0)) {
                    other.send(bytes("not carried"), nat, 61003, b);
                }
                Thread.sleep(NOTHING.toMillis());
                assertEquals(1, sent.size(), plane.counters().toString());
                assertEquals(1L, plane.counters().get("dropped_not_carried"));

                // A datagram larger than the tunnel's MTU, fragmented by B's stack: every fragment goes, each
                // translated to A's own address, the first's UDP checksum right for the whole datagram.
                byte[] large = new byte[3000];
                Arrays.fill(large, (byte) 0x5a);
                try (DatagramChannel fragmenting = ns.netNamespace().call(() -> DatagramChannel.open()
                        .bind(new InetSocketAddress(b, 5000 + 10)))) {
                    plane.bound(new SessionTuple(SessionProtocol.UDP, new Endpoint(b, 5010),
                            new Endpoint(nat, 61001)), LINEAGE, new Endpoint(x, 40000));
                    fragmenting.send(ByteBuffer.wrap(large), new InetSocketAddress(nat, 61001));
                }
                long deadline = System.nanoTime() + WAIT.toNanos();
                while (sent.size() < 4 && System.nanoTime() < deadline) {
                    Thread.sleep(10);
                }
                assertEquals(4, sent.size(), "three fragments: " + plane.counters());
                ByteBuffer reassembled = ByteBuffer.allocate(8 + large.length);
                for (byte[] datagram : sent.subList(1, 4)) {
                    byte[] fragment = new byte[datagram.length];
                    int fragmentLength = atA.open(datagram, 0, datagram.length, fragment, 0);
                    assertTrue(fragmentLength > 20, "opens at A");
                    byte[] packet = Arrays.copyOf(fragment, fragmentLength);
                    assertEquals(x, InetAddress.getByAddress(Arrays.copyOfRange(packet, 16, 20)), "to A's own");
                    assertArrayEquals(IpPackets.refreshHeaderChecksum(packet), packet, "its header checksum");
                    int offset = (ByteBuffer.wrap(packet).getShort(6) & 0x1fff) * 8;
                    reassembled.put(offset, packet, 20, packet.length - 20);
                }
                byte[] datagram = IpPackets.refreshHeaderChecksum(IpPackets.ip(b, x, IpPackets.UDP,
                        reassembled.array()));
                assertEquals(40000, ByteBuffer.wrap(datagram).getShort(22) & 0xffff, "A's own port");
                assertArrayEquals(IpPackets.refreshChecksums(datagram), datagram, "the UDP checksum covers it all");
            }
            assertTrue(ns.exec("ip", "link", "show").indexOf("sacip0") < 0, "the device goes with the plane");
            assertTrue(ns.exec("ip", "rule", "show").indexOf("9361256") < 0, "so do its rules");
        }
    }

    /**
     * Packets queued in the device while a send is under way leave together: one call with the datagrams end to end,
     * all as long as the first but the last, in the order the socket sent them, each opening at A.
     */
    @Test
    void aQueuedBurstLeavesInOneCallInOrder() throws Exception {
        InetAddress b = ip("198.18.0.2");
        InetAddress nat = ip("198.19.0.1");
        try (TestNamespace ns = TestNamespace.create("tdb")) {
            String link = ns.addVethPair("up");
            ns.exec("ip", "addr", "add", "198.18.0.2/24", "dev", link);
            ns.exec("sysctl", "-q", "-w", "net.ipv4.conf.all.rp_filter=0", "net.ipv4.conf.default.rp_filter=0");
            LinkedBlockingQueue<List<byte[]>> calls = new LinkedBlockingQueue<>();
            AtomicInteger callCount = new AtomicInteger();
            CountDownLatch secondHeld = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            try (TunnelDataPlane plane = TunnelDataPlane.start(Optional.of(ns.netNamespace()), "sacip0", 9_361_256L,
                    32_699L, 0x02000000L, (from, to, data, length, segmentSize) -> {
                        // The first call is the opener's empty datagram, the second the first packet: held until
                        // the test queued more behind it.
                        if (callCount.incrementAndGet() == 2) {
                            secondHeld.countDown();
                            release.await();
                        }
                        List<byte[]> datagrams = new ArrayList<>();
                        for (int at = 0; at < length; at += segmentSize) {
                            datagrams.add(Arrays.copyOfRange(data, at, Math.min(length, at + segmentSize)));
                        }
                        calls.add(datagrams);
                        return datagrams.size();
                    });
                    UdpSocket server = UdpSocket.open(ns.netNamespace(), 4, 5000, 0)) {
                SecureRandom random = new SecureRandom();
                TunnelKeys keys = TunnelKeys.derive(octets(random, 32), LINEAGE, octets(random, 16),
                        octets(random, 16));
                plane.start(LINEAGE, keys, TunnelRole.OPENER, new UdpEndpoint(SacipAddress.of(b), 4253),
                        new UdpEndpoint(SacipAddress.of(nat), 61000));
                plane.bound(new SessionTuple(SessionProtocol.UDP, new Endpoint(b, 5000), new Endpoint(nat, 61001)),
                        LINEAGE, new Endpoint(nat, 61001));
                ns.exec("ip", "route", "add", "198.19.0.1/32", "dev", "sacip0");
                List<String> texts = new ArrayList<>();
                for (int i = 0; i < 11; i++) {
                    texts.add(i == 10 ? "last" : "packet " + i + " " + "x".repeat(100));
                }
                server.send(bytes(texts.get(0)), nat, 61001, b);
                assertTrue(secondHeld.await(WAIT.toMillis(), TimeUnit.MILLISECONDS), "the first packet's send");
                for (int i = 1; i < 11; i++) {
                    server.send(bytes(texts.get(i)), nat, 61001, b);
                }
                release.countDown();

                assertEquals(1, poll(calls, plane).size(), "the opener's empty datagram");
                assertEquals(1, poll(calls, plane).size(), "the first packet, alone");
                List<byte[]> burst = poll(calls, plane);
                assertEquals(10, burst.size(), "the ten queued behind it, in one call");
                List<byte[]> sealed = new ArrayList<>(burst);
                TunnelOpener atA = new TunnelOpener(keys, TunnelRole.ACCEPTER);
                for (int i = 0; i < 10; i++) {
                    byte[] datagram = sealed.get(i);
                    byte[] plain = new byte[datagram.length];
                    int length = atA.open(datagram, 0, datagram.length, plain, 0);
                    assertTrue(length > 28, "datagram " + i + " opens: " + length);
                    assertEquals(texts.get(i + 1), new String(plain, 28, length - 28, StandardCharsets.US_ASCII));
                }
                // Counted once the send returned, a moment after the test saw it.
                long deadline = System.nanoTime() + WAIT.toNanos();
                while (plane.counters().get("packets_out") < 12 && System.nanoTime() < deadline) {
                    Thread.sleep(5);
                }
                assertEquals(12L, plane.counters().get("packets_out"), plane.counters().toString());
            }
        }
    }

    private static List<byte[]> poll(LinkedBlockingQueue<List<byte[]>> calls, TunnelDataPlane plane)
            throws InterruptedException {
        List<byte[]> call = calls.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        if (call == null) {
            throw new AssertionError("no send: " + plane.counters());
        }
        return call;
    }

    /** An IPv4 packet cut into fragments of {@code size} octets of payload (a multiple of 8) but the last. */
    private static List<byte[]> fragments(byte[] packet, int size) {
        List<byte[]> fragments = new ArrayList<>();
        int payload = packet.length - 20;
        for (int offset = 0; offset < payload; offset += size) {
            int length = Math.min(size, payload - offset);
            byte[] fragment = new byte[20 + length];
            System.arraycopy(packet, 0, fragment, 0, 20);
            System.arraycopy(packet, 20 + offset, fragment, 20, length);
            boolean more = offset + length < payload;
            ByteBuffer.wrap(fragment).putShort(2, (short) fragment.length)
                    .putShort(6, (short) ((more ? 0x2000 : 0) | offset / 8));
            fragments.add(IpPackets.refreshHeaderChecksum(fragment));
        }
        return fragments;
    }

    private static byte[] await(List<byte[]> sent, TunnelDataPlane plane) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (sent.isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        if (sent.isEmpty()) {
            throw new AssertionError("nothing sealed and sent: " + plane.counters());
        }
        return sent.get(0);
    }

    private static byte[] seal(TunnelSealer sealer, byte[] inner) {
        byte[] out = new byte[DataDatagram.length(inner.length)];
        int length = sealer.seal(inner, 0, inner.length, out, 0);
        return Arrays.copyOf(out, length);
    }

    private static Octets octets(SecureRandom random, int length) {
        byte[] bytes = new byte[length];
        random.nextBytes(bytes);
        return Octets.of(bytes);
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }

    private static InetAddress ip(String text) throws Exception {
        return InetAddress.getByName(text);
    }
}
