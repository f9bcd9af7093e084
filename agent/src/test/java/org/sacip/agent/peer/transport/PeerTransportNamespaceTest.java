package org.sacip.agent.peer.transport;

import org.sacip.netlink.testing.TestNamespace;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeout;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.pcap4j.core.PcapHandle;
import org.sacip.netlink.route.RtnetlinkClient;
import org.sacip.protocol.codec.SacipDecoder;
import org.sacip.protocol.codec.SacipEncoder;
import org.sacip.protocol.message.Hello;
import org.sacip.protocol.message.Octets;
import org.sacip.protocol.message.SacipAddress;
import org.sacip.protocol.message.SacipMessage;

/**
 * The transport against the real kernel: namespaces joined by veth links, directly and across a forwarding router,
 * IPv4 and IPv6, every neighbour cache empty at the first send.
 */
class PeerTransportNamespaceTest {
    private static final TransportSettings SETTINGS = new TransportSettings(InterfaceSelection.all(),
            Duration.ofMillis(200), Duration.ofSeconds(5), 256, Duration.ofMillis(50));
    private static final Random RANDOM = new Random(7);

    private final List<AutoCloseable> cleanup = new ArrayList<>();

    @Test
    void directLinkCarriesExactlyTheSentBytesBothWaysWithoutEchoingOwnFrames() throws Exception {
        DirectLink link = directLink();
        TestNamespace a = link.a();
        TestNamespace b = link.b();
        RecordingListener atA = new RecordingListener();
        RecordingListener atB = new RecordingListener();
        PeerTransport transportA = start(a, atA);
        PeerTransport transportB = start(b, atB);
        assertEquals(java.util.Set.of(link.aLink()), transportA.capturedInterfaces());

        for (String[] pair : new String[][] {{"198.18.1.1", "198.18.1.2"}, {"2001:db8:1::1", "2001:db8:1::2"}}) {
            InetAddress local = InetAddress.getByName(pair[0]);
            InetAddress peer = InetAddress.getByName(pair[1]);
            assertFalse(a.exec("ip", "neigh", "show").contains(pair[1]), "neighbour cache must start empty");
            SacipMessage hello = hello();
            byte[] icmp = SacipEncoder.encode(hello, SacipAddress.of(local), SacipAddress.of(peer));
            transportA.send(local, peer, icmp);
            ReceivedMessage received = atB.next();
            assertReceived(received, link.bLink(), local, peer, icmp, hello);

            // B answers; A's first delivered message must be that answer, not its own frame sent before it.
            SacipMessage answer = hello();
            transportB.send(peer, local, answer);
            ReceivedMessage back = atA.next();
            assertReceived(back, link.aLink(), peer, local,
                    SacipEncoder.encode(answer, SacipAddress.of(peer), SacipAddress.of(local)), answer);
        }
        assertTrue(atA.isEmpty() && atB.isEmpty());
        assertEquals(2, transportA.counters().sent());
        assertEquals(2, transportB.counters().delivered());
        assertTimeout(Duration.ofSeconds(15), transportA::close);
    }

    @Test
    void echoRequestsOtherExperimentalIcmpAndFramesLeavingTheHostAreNotDelivered() throws Exception {
        DirectLink link = directLink();
        TestNamespace a = link.a();
        TestNamespace b = link.b();
        RecordingListener atA = new RecordingListener();
        RecordingListener atB = new RecordingListener();
        start(a, atA);
        PeerTransport transportB = start(b, atB);

        InetAddress a4 = InetAddress.getByName("198.18.1.1");
        InetAddress b4 = InetAddress.getByName("198.18.1.2");
        InetAddress a6 = InetAddress.getByName("2001:db8:1::1");
        InetAddress b6 = InetAddress.getByName("2001:db8:1::2");
        byte[] sacip4 = SacipEncoder.encode(hello(), SacipAddress.of(a4), SacipAddress.of(b4));
        byte[] sacip6 = SacipEncoder.encode(hello(), SacipAddress.of(a6), SacipAddress.of(b6));
        List<byte[]> noise = List.of(
                frame(a, a4, b4, echoRequest(8)),
                frame(a, a6, b6, echoRequest(128)),
                frame(a, a4, b4, withType(sacip4, 254)),
                frame(a, a4, b4, withoutMagic(sacip4)),
                frame(a, a6, b6, withType(sacip6, 201)),
                frame(a, a6, b6, withoutMagic(sacip6)));
        PcapHandle injector = a.netNamespace().call(() -> new PcapHandle.Builder(link.aLink()).immediateMode(true)
                .timeoutMillis(50).build());
        try {
            for (byte[] frame : noise) {
                injector.sendPacket(frame);
            }
            byte[] real = frame(a, a4, b4, sacip4);
            injector.sendPacket(real);
        } finally {
            injector.close();
        }
        ReceivedMessage first = atB.next();
        // The echo requests were real traffic: B's kernel took them (and answered).
        assertEquals(1, snmpCounter(b, "/proc/net/snmp", "Icmp:", "InEchos"));
        assertEquals(1, snmpCounter(b, "/proc/net/snmp6", "Icmp6InEchos", null));
        assertArrayEquals(sacip4, first.icmp(), "the SACIP message is the first and only one delivered");
        assertTrue(atB.isEmpty());
        // The kernel's filter dropped the noise: nothing even reached the parser.
        TransportCounters counters = transportB.counters();
        assertEquals(1, counters.delivered());
        assertTrue(counters.rejected().values().stream().allMatch(count -> count == 0), counters.toString());
        // A's transport saw the injector's SACIP frame leave A (another socket, so the kernel shows it to A's
        // handle); the direction filter keeps it out, so the first message A gets is B's answer.
        SacipMessage answer = hello();
        transportB.send(b4, a4, answer);
        assertReceived(atA.next(), link.aLink(), b4, a4,
                SacipEncoder.encode(answer, SacipAddress.of(b4), SacipAddress.of(a4)), answer);
    }

    @Test
    void ghostLikeSecondSourceAddressIsSentAndSeenAsSuch() throws Exception {
        DirectLink link = directLink();
        TestNamespace a = link.a();
        TestNamespace b = link.b();
        a.exec("ip", "addr", "add", "198.18.1.11/32", "dev", "lo", "scope", "host");
        a.exec("ip", "addr", "add", "2001:db8:1::11/128", "dev", "lo");
        RecordingListener atB = new RecordingListener();
        PeerTransport transportA = start(a, new RecordingListener());
        start(b, atB);
        for (String[] pair : new String[][] {{"198.18.1.11", "198.18.1.2"}, {"2001:db8:1::11", "2001:db8:1::2"}}) {
            InetAddress ghost = InetAddress.getByName(pair[0]);
            InetAddress peer = InetAddress.getByName(pair[1]);
            SacipMessage hello = hello();
            transportA.send(ghost, peer, hello);
            assertReceived(atB.next(), link.bLink(), ghost, peer,
                    SacipEncoder.encode(hello, SacipAddress.of(ghost), SacipAddress.of(peer)), hello);
        }
        InetAddress a4 = InetAddress.getByName("198.18.1.1");
        InetAddress b6 = InetAddress.getByName("2001:db8:1::2");
        assertThrows(IllegalArgumentException.class, () -> transportA.send(a4, b6, hello()), "mixed families");
        byte[] v6Message = SacipEncoder.encode(hello(), SacipAddress.of(b6), SacipAddress.of(b6));
        assertThrows(IllegalArgumentException.class,
                () -> transportA.send(a4, InetAddress.getByName("198.18.1.2"), v6Message), "ICMPv6 type over IPv4");
        assertThrows(IllegalArgumentException.class,
                () -> transportA.send(a4, InetAddress.getByName("198.18.1.2"), new byte[0]), "empty message");
        InetAddress foreign = InetAddress.getByName("198.18.9.9");
        assertThrows(PeerTransportException.class,
                () -> transportA.send(foreign, InetAddress.getByName("198.18.1.2"), hello()),
                "a source that is not local has no route");
    }

    @Test
    void acrossARouterBothFamiliesWithEmptyNeighbourCaches() throws Exception {
        TestNamespace a = namespace("a");
        TestNamespace r = namespace("r");
        TestNamespace b = namespace("b");
        String aLink = TestNamespace.interfaceName("a0");
        String bLink = TestNamespace.interfaceName("b0");
        a.linkTo(r, aLink, TestNamespace.interfaceName("ra"));
        r.linkTo(b, TestNamespace.interfaceName("rb"), bLink);
        r.exec("sysctl", "-q", "-w", "net.ipv4.ip_forward=1", "net.ipv6.conf.all.forwarding=1");
        a.addAddresses(aLink, "198.18.1.1/24", "2001:db8:1::1/64");
        r.addAddresses(TestNamespace.interfaceName("ra"), "198.18.1.254/24", "2001:db8:1::fe/64");
        r.addAddresses(TestNamespace.interfaceName("rb"), "198.18.2.254/24", "2001:db8:2::fe/64");
        b.addAddresses(bLink, "198.18.2.1/24", "2001:db8:2::1/64");
        a.exec("ip", "route", "add", "default", "via", "198.18.1.254");
        a.exec("ip", "-6", "route", "add", "default", "via", "2001:db8:1::fe");
        b.exec("ip", "route", "add", "default", "via", "198.18.2.254");
        b.exec("ip", "-6", "route", "add", "default", "via", "2001:db8:2::fe");
        RecordingListener atA = new RecordingListener();
        RecordingListener atB = new RecordingListener();
        PeerTransport transportA = start(a, atA);
        PeerTransport transportB = start(b, atB);
        for (String[] pair : new String[][] {{"198.18.1.1", "198.18.2.1"}, {"2001:db8:1::1", "2001:db8:2::1"}}) {
            InetAddress local = InetAddress.getByName(pair[0]);
            InetAddress peer = InetAddress.getByName(pair[1]);
            SacipMessage hello = hello();
            transportA.send(local, peer, hello);
            assertReceived(atB.next(), bLink, local, peer,
                    SacipEncoder.encode(hello, SacipAddress.of(local), SacipAddress.of(peer)), hello);
            SacipMessage answer = hello();
            transportB.send(peer, local, answer);
            assertReceived(atA.next(), aLink, peer, local,
                    SacipEncoder.encode(answer, SacipAddress.of(peer), SacipAddress.of(local)), answer);
        }
        assertTrue(atA.isEmpty() && atB.isEmpty());
    }

    @Test
    void interfacesAddedAfterStartAreFollowedAndRemovedOnesDropped() throws Exception {
        TestNamespace a = namespace("a");
        TestNamespace b = namespace("b");
        a.linkTo(b, TestNamespace.interfaceName("a0"), TestNamespace.interfaceName("b0"));
        RecordingListener atB = new RecordingListener();
        PeerTransport transportA = start(a, new RecordingListener());
        PeerTransport transportB = start(b, atB);
        String aLate = TestNamespace.interfaceName("a1");
        String bLate = TestNamespace.interfaceName("b1");
        a.linkTo(b, aLate, bLate);
        a.addAddresses(aLate, "198.18.3.1/24", "2001:db8:3::1/64");
        b.addAddresses(bLate, "198.18.3.2/24", "2001:db8:3::2/64");
        // B finds the new link by its own periodic poll; A is told, as the agent would on a link event.
        awaitCaptured(transportB, bLate);
        transportA.refreshInterfaces();
        assertTrue(transportA.capturedInterfaces().contains(aLate));
        InetAddress local = InetAddress.getByName("2001:db8:3::1");
        InetAddress peer = InetAddress.getByName("2001:db8:3::2");
        SacipMessage hello = hello();
        transportA.send(local, peer, hello);
        assertReceived(atB.next(), bLate, local, peer,
                SacipEncoder.encode(hello, SacipAddress.of(local), SacipAddress.of(peer)), hello);

        b.exec("ip", "link", "del", bLate);
        transportB.refreshInterfaces();
        assertEquals(java.util.Set.of(TestNamespace.interfaceName("b0")), transportB.capturedInterfaces());
    }

    @Test
    void aSlowListenerMakesTheBoundedQueueDropAndCount() throws Exception {
        DirectLink link = directLink();
        TestNamespace a = link.a();
        TestNamespace b = link.b();
        CountDownLatch release = new CountDownLatch(1);
        RecordingListener atB = new RecordingListener();
        PeerTransport transportA = start(a, new RecordingListener());
        PeerTransport transportB = Transports.startIn(b, new TransportSettings(InterfaceSelection.all(),
                Duration.ofMillis(200), Duration.ofSeconds(5), 1, Duration.ofMillis(50)), message -> {
                    try {
                        release.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    atB.onMessage(message);
                });
        cleanup.add(transportB);
        InetAddress local = InetAddress.getByName("198.18.1.1");
        InetAddress peer = InetAddress.getByName("198.18.1.2");
        int sent = 10;
        for (int i = 0; i < sent; i++) {
            transportA.send(local, peer, hello());
        }
        // One message is with the listener, one waits in the queue of one; the rest are dropped.
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (transportB.counters().rejected(FrameRejection.QUEUE_FULL) < sent - 2
                && System.nanoTime() - deadline < 0) {
            Thread.sleep(10);
        }
        release.countDown();
        atB.next();
        long dropped = transportB.counters().rejected(FrameRejection.QUEUE_FULL);
        assertTrue(dropped >= sent - 2, "dropped " + dropped);
        while (transportB.counters().delivered() + dropped < sent && System.nanoTime() - deadline < 0) {
            Thread.sleep(10);
        }
        assertEquals(sent, transportB.counters().delivered() + dropped);
    }

    /** A and B on one veth link: 198.18.1.1 and .2, 2001:db8:1::1 and ::2. */
    private record DirectLink(TestNamespace a, TestNamespace b, String aLink, String bLink) {
    }

    private DirectLink directLink() throws IOException {
        TestNamespace a = namespace("a");
        TestNamespace b = namespace("b");
        String aLink = TestNamespace.interfaceName("a0");
        String bLink = TestNamespace.interfaceName("b0");
        a.linkTo(b, aLink, bLink);
        a.addAddresses(aLink, "198.18.1.1/24", "2001:db8:1::1/64");
        b.addAddresses(bLink, "198.18.1.2/24", "2001:db8:1::2/64");
        return new DirectLink(a, b, aLink, bLink);
    }

    private static void assertReceived(ReceivedMessage received, String interfaceName, InetAddress source,
            InetAddress destination, byte[] icmp, SacipMessage message) throws Exception {
        assertEquals(interfaceName, received.interfaceName());
        assertEquals(source, received.source());
        assertEquals(destination, received.destination());
        assertArrayEquals(icmp, received.icmp());
        assertEquals(message, SacipDecoder.decode(received.icmp(), SacipAddress.of(source),
                SacipAddress.of(destination)));
    }

    private static void awaitCaptured(PeerTransport transport, String name) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!transport.capturedInterfaces().contains(name)) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError(name + " not captured within 10 s: " + transport.capturedInterfaces());
            }
            Thread.sleep(20);
        }
    }

    private static SacipMessage hello() {
        byte[] nonce = new byte[16];
        RANDOM.nextBytes(nonce);
        return new Hello(Octets.of(nonce));
    }

    /** A counter of the namespace's IP statistics: a header/value row pair (snmp) or a name/value line (snmp6). */
    private static long snmpCounter(TestNamespace namespace, String file, String key, String column)
            throws IOException {
        String[] lines = namespace.exec("cat", file).split("\n");
        for (int i = 0; i < lines.length; i++) {
            String[] fields = lines[i].trim().split("\\s+");
            if (column == null && fields[0].equals(key)) {
                return Long.parseLong(fields[1]);
            }
            if (column != null && fields[0].equals(key) && i + 1 < lines.length) {
                int index = List.of(fields).indexOf(column);
                if (index > 0) {
                    return Long.parseLong(lines[i + 1].trim().split("\\s+")[index]);
                }
            }
        }
        throw new AssertionError(key + " " + column + " not in " + file);
    }

    /** An echo request (ping) with a small payload; the injector fills in the checksum. */
    private static byte[] echoRequest(int type) {
        return new byte[] {(byte) type, 0, 0, 0, 0x12, 0x34, 0, 1, 'S', 'A', 'C', 'I', 'p', 'i', 'n', 'g'};
    }

    private static byte[] withType(byte[] icmp, int type) {
        byte[] copy = icmp.clone();
        copy[0] = (byte) type;
        return copy;
    }

    private static byte[] withoutMagic(byte[] icmp) {
        byte[] copy = icmp.clone();
        copy[4] = 'X';
        return copy;
    }

    /** A complete frame from A, addressed like the transport would, for the raw injector. */
    private static byte[] frame(TestNamespace a, InetAddress local, InetAddress peer, byte[] icmp) throws Exception {
        try (RtnetlinkClient client = RtnetlinkClient.open(a.netNamespace())) {
            NextHop hop = new NextHopResolver(client, Duration.ofSeconds(5)).resolve(local, peer);
            return FrameBuilder.build(hop, local, peer, icmp);
        }
    }

    private PeerTransport start(TestNamespace namespace, PeerMessageListener listener) throws Exception {
        PeerTransport transport = Transports.startIn(namespace, SETTINGS, listener);
        cleanup.add(transport);
        return transport;
    }

    private TestNamespace namespace(String label) throws IOException {
        TestNamespace namespace = TestNamespace.create(label);
        cleanup.add(namespace);
        namespace.disableDad();
        return namespace;
    }

    /**
     * Transports first, then namespaces, in reverse order of creation; every step runs even if one fails, and it runs
     * after every test, failed or not.
     */
    @AfterEach
    void cleanUp() throws Exception {
        Exception first = null;
        for (int i = cleanup.size() - 1; i >= 0; i--) {
            try {
                cleanup.get(i).close();
            } catch (Exception e) {
                first = first == null ? e : first;
            }
        }
        cleanup.clear();
        if (first != null) {
            throw first;
        }
    }
}
