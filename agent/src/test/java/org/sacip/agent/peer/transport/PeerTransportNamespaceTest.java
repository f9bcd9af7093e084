package org.sacip.agent.peer.transport;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.sacip.agent.peer.transport.Transports.assertReceived;
import static org.sacip.agent.peer.transport.Transports.encode;
import static org.sacip.agent.peer.transport.Transports.hello;

import java.io.IOException;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.sacip.netlink.testing.TestNamespace;
import org.sacip.protocol.codec.WireFormat;
import org.sacip.protocol.message.Claim;
import org.sacip.protocol.message.ClaimEntry;
import org.sacip.protocol.message.FieldLengths;
import org.sacip.protocol.message.MessageKind;
import org.sacip.protocol.message.Octets;
import org.sacip.protocol.message.SacipAddress;
import org.sacip.protocol.message.SacipMessage;

/**
 * The transport and its sender against the real kernel: namespaces joined by veth links, directly and across a
 * forwarding router, IPv4 and IPv6, every neighbour cache empty at the first send.
 */
class PeerTransportNamespaceTest {
    private final NamespaceLab lab = new NamespaceLab();

    @AfterEach
    void cleanUp() throws Exception {
        lab.close();
    }

    @Test
    void directLinkCarriesExactlyTheSentBytesBothWaysWithoutEchoingOwnFrames() throws Exception {
        DirectLink link = directLink();
        RecordingListener atA = new RecordingListener();
        RecordingListener atB = new RecordingListener();
        HostTransport a = lab.start(link.a(), atA);
        HostTransport b = lab.start(link.b(), atB);
        assertEquals(Set.of(link.aLink()), a.transport().capturedInterfaces());

        for (String[] pair : new String[][] {{"198.18.1.1", "198.18.1.2"}, {"2001:db8:1::1", "2001:db8:1::2"}}) {
            InetAddress local = InetAddress.getByName(pair[0]);
            InetAddress peer = InetAddress.getByName(pair[1]);
            assertTrue(Transports.neighbour(link.a(), peer).isEmpty(), "neighbour cache must start empty");
            SacipMessage hello = hello();
            byte[] icmp = encode(hello, local, peer);
            a.send(local, peer, icmp);
            assertReceived(atB.next(), link.bLink(), local, peer, icmp, hello);

            // B answers; A's first delivered message must be that answer, not its own frame sent before it.
            SacipMessage answer = hello();
            b.send(peer, local, encode(answer, peer, local));
            assertReceived(atA.next(), link.aLink(), peer, local, encode(answer, peer, local), answer);
        }
        assertTrue(atA.isEmpty() && atB.isEmpty());
        // Counted once the frame left and once the listener returned, so possibly after the message arrived.
        Transports.await(() -> b.transport().counters().delivered() == 2, "B counts two delivered",
                b.transport()::counters);
        Transports.await(() -> a.transport().counters().sent() == 2 && a.sender().sent() == 2,
                "A counts two sent", a.transport()::counters);
        assertTrue(a.sender().unsent().values().stream().allMatch(count -> count == 0), a.sender().unsent()
                .toString());
    }

    @Test
    void theLargestMessageAClaimOfFortySessionsArrivesWholeInBothFamilies() throws Exception {
        DirectLink link = directLink();
        RecordingListener atB = new RecordingListener();
        HostTransport a = lab.start(link.a(), new RecordingListener());
        lab.start(link.b(), atB);
        for (String[] pair : new String[][] {{"198.18.1.1", "198.18.1.2"}, {"2001:db8:1::1", "2001:db8:1::2"}}) {
            InetAddress local = InetAddress.getByName(pair[0]);
            InetAddress peer = InetAddress.getByName(pair[1]);
            SacipMessage claim = largestClaim(local, peer);
            byte[] icmp = encode(claim, local, peer);
            assertEquals(WireFormat.MAX_MESSAGE_LENGTH, icmp.length, "a claim of 40 entries is the largest message");
            a.send(local, peer, icmp);
            assertReceived(atB.next(), link.bLink(), local, peer, icmp, claim);
        }
    }

    private static SacipMessage largestClaim(InetAddress holder, InetAddress peer) {
        java.util.Random random = new java.util.Random(7);
        List<ClaimEntry> entries = new ArrayList<>();
        for (int i = 0; i < MessageKind.MAX_ENTRIES; i++) {
            byte[] proof = new byte[FieldLengths.CLAIM_PROOF];
            random.nextBytes(proof);
            entries.add(ClaimEntry.udp(40000 + i, 53, Octets.of(proof)));
        }
        byte[] keyId = new byte[FieldLengths.KEY_ID];
        random.nextBytes(keyId);
        return new Claim(Octets.of(keyId), 1, SacipAddress.of(holder), SacipAddress.of(peer), entries,
                Octets.zeros(FieldLengths.MAC));
    }

    @Test
    void echoRequestsOtherExperimentalIcmpAndFramesLeavingTheHostAreNotDelivered() throws Exception {
        DirectLink link = directLink();
        TestNamespace a = link.a();
        TestNamespace b = link.b();
        RecordingListener atA = new RecordingListener();
        RecordingListener atB = new RecordingListener();
        lab.start(a, atA);
        HostTransport hostB = lab.start(b, atB);

        InetAddress a4 = InetAddress.getByName("198.18.1.1");
        InetAddress b4 = InetAddress.getByName("198.18.1.2");
        InetAddress a6 = InetAddress.getByName("2001:db8:1::1");
        InetAddress b6 = InetAddress.getByName("2001:db8:1::2");
        byte[] sacip4 = encode(hello(), a4, b4);
        byte[] sacip6 = encode(hello(), a6, b6);
        NextHop toB = hopToB(link);
        List<byte[]> noise = List.of(
                FrameBuilder.build(toB, a4, b4, echoRequest(8)),
                FrameBuilder.build(toB, a6, b6, echoRequest(128)),
                FrameBuilder.build(toB, a4, b4, withType(sacip4, 254)),
                FrameBuilder.build(toB, a4, b4, withoutMagic(sacip4)),
                FrameBuilder.build(toB, a6, b6, withType(sacip6, 201)),
                FrameBuilder.build(toB, a6, b6, withoutMagic(sacip6)));
        List<byte[]> frames = new ArrayList<>(noise);
        frames.add(FrameBuilder.build(toB, a4, b4, sacip4));
        Transports.inject(a, link.aLink(), frames);
        ReceivedMessage first = atB.next();
        // The echo requests were real traffic: B's kernel took them (and answered).
        assertEquals(1, snmpCounter(b, "/proc/net/snmp", "Icmp:", "InEchos"));
        assertEquals(1, snmpCounter(b, "/proc/net/snmp6", "Icmp6InEchos", null));
        assertArrayEquals(sacip4, first.icmp(), "the SACIP message is the first and only one delivered");
        assertTrue(atB.isEmpty());
        // The kernel's filter dropped the noise: nothing even reached the parser.
        Transports.await(() -> hostB.transport().counters().delivered() == 1, "B counts one delivered",
                hostB.transport()::counters);
        TransportCounters counters = hostB.transport().counters();
        assertTrue(counters.rejected().values().stream().allMatch(count -> count == 0), counters.toString());
        // A's transport saw the injector's SACIP frame leave A (another socket, so the kernel shows it to A's
        // handle); the direction filter keeps it out, so the first message A gets is B's answer.
        SacipMessage answer = hello();
        hostB.send(b4, a4, encode(answer, b4, a4));
        assertReceived(atA.next(), link.aLink(), b4, a4, encode(answer, b4, a4), answer);
    }

    @Test
    void aGhostLikeSecondSourceIsSentFromOnlyOnceHeldAndSeenAsSuch() throws Exception {
        DirectLink link = directLink();
        TestNamespace a = link.a();
        a.exec("ip", "addr", "add", "198.18.1.11/32", "dev", "lo", "scope", "host");
        a.exec("ip", "addr", "add", "2001:db8:1::11/128", "dev", "lo");
        RecordingListener atB = new RecordingListener();
        HostTransport hostA = lab.start(a, new RecordingListener());
        lab.start(link.b(), atB);
        InetAddress ghost4 = InetAddress.getByName("198.18.1.11");
        InetAddress ghost6 = InetAddress.getByName("2001:db8:1::11");
        InetAddress b4 = InetAddress.getByName("198.18.1.2");
        InetAddress b6 = InetAddress.getByName("2001:db8:1::2");

        // On lo, but not yet a ghost of a moved session: not ours to send from.
        hostA.send(ghost4, b4, encode(hello(), ghost4, b4));
        hostA.send(ghost6, b6, encode(hello(), ghost6, b6));
        Transports.await(() -> hostA.unsent(Sender.Unsent.NOT_OUR_SOURCE) == 2, "both refused as not ours",
                hostA.sender()::unsent);
        assertEquals(0, hostA.transport().counters().sent());

        hostA.addresses().ghosts(Set.of(ghost4, ghost6));
        for (InetAddress[] pair : new InetAddress[][] {{ghost4, b4}, {ghost6, b6}}) {
            SacipMessage hello = hello();
            hostA.send(pair[0], pair[1], encode(hello, pair[0], pair[1]));
            assertReceived(atB.next(), link.bLink(), pair[0], pair[1], encode(hello, pair[0], pair[1]), hello);
        }
        assertEquals(2, hostA.unsent(Sender.Unsent.NOT_OUR_SOURCE));
    }

    @Test
    void messagesThatCannotBeFramedAreCountedAndTheSenderGoesOn() throws Exception {
        DirectLink link = directLink();
        RecordingListener atB = new RecordingListener();
        HostTransport hostA = lab.start(link.a(), new RecordingListener());
        lab.start(link.b(), atB);
        InetAddress a4 = InetAddress.getByName("198.18.1.1");
        InetAddress b4 = InetAddress.getByName("198.18.1.2");
        InetAddress b6 = InetAddress.getByName("2001:db8:1::2");
        // B is resolved first, so each bad message reaches the framing.
        SacipMessage first = hello();
        hostA.send(a4, b4, encode(first, a4, b4));
        assertReceived(atB.next(), link.bLink(), a4, b4, encode(first, a4, b4), first);

        hostA.send(a4, b6, encode(hello(), a4, b4));
        hostA.send(a4, b4, encode(hello(), b6, b6));
        hostA.send(a4, b4, new byte[0]);
        SacipMessage after = hello();
        hostA.send(a4, b4, encode(after, a4, b4));
        assertReceived(atB.next(), link.bLink(), a4, b4, encode(after, a4, b4), after);
        Transports.await(() -> hostA.transport().counters().sent() == 2, "A counts its two good messages sent",
                hostA.transport()::counters);
        long unsent = hostA.sender().unsent().values().stream().mapToLong(Long::longValue).sum();
        assertEquals(3, unsent, "each message not sent is counted with its reason: " + hostA.sender().unsent());
    }

    @Test
    void acrossARouterBothFamiliesWithEmptyNeighbourCaches() throws Exception {
        TestNamespace a = lab.namespace("a");
        TestNamespace r = lab.namespace("r");
        TestNamespace b = lab.namespace("b");
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
        HostTransport hostA = lab.start(a, atA);
        HostTransport hostB = lab.start(b, atB);
        for (String[] hosts : new String[][] {{"198.18.1.1", "198.18.2.1", "198.18.1.254", "198.18.2.254"},
                {"2001:db8:1::1", "2001:db8:2::1", "2001:db8:1::fe", "2001:db8:2::fe"}}) {
            InetAddress local = InetAddress.getByName(hosts[0]);
            InetAddress peer = InetAddress.getByName(hosts[1]);
            assertTrue(Transports.neighbour(a, InetAddress.getByName(hosts[2])).isEmpty()
                    && Transports.neighbour(b, InetAddress.getByName(hosts[3])).isEmpty(),
                    "no neighbour entry for the routers before the first message");
            SacipMessage hello = hello();
            hostA.send(local, peer, encode(hello, local, peer));
            assertReceived(atB.next(), bLink, local, peer, encode(hello, local, peer), hello);
            SacipMessage answer = hello();
            hostB.send(peer, local, encode(answer, peer, local));
            assertReceived(atA.next(), aLink, peer, local, encode(answer, peer, local), answer);
        }
        assertTrue(atA.isEmpty() && atB.isEmpty());
    }

    @Test
    void interfacesAddedAfterStartAreFollowedAndRemovedOnesDropped() throws Exception {
        TestNamespace a = lab.namespace("a");
        TestNamespace b = lab.namespace("b");
        a.linkTo(b, TestNamespace.interfaceName("a0"), TestNamespace.interfaceName("b0"));
        RecordingListener atB = new RecordingListener();
        HostTransport hostA = lab.start(a, new RecordingListener());
        HostTransport hostB = lab.start(b, atB);
        String aLate = TestNamespace.interfaceName("a1");
        String bLate = TestNamespace.interfaceName("b1");
        a.linkTo(b, aLate, bLate);
        a.addAddresses(aLate, "198.18.3.1/24", "2001:db8:3::1/64");
        b.addAddresses(bLate, "198.18.3.2/24", "2001:db8:3::2/64");
        // The agent learns of new addresses from its address monitor; here each host reads them again.
        hostA.readAddresses();
        hostB.readAddresses();
        // B finds the new link from its own link events; A is also told, as a caller may, and waits for it.
        Transports.await(() -> hostB.transport().capturedInterfaces().contains(bLate), bLate + " captured",
                hostB.transport()::capturedInterfaces);
        hostA.transport().refreshInterfaces();
        assertTrue(hostA.transport().capturedInterfaces().contains(aLate));
        InetAddress local = InetAddress.getByName("2001:db8:3::1");
        InetAddress peer = InetAddress.getByName("2001:db8:3::2");
        SacipMessage hello = hello();
        hostA.send(local, peer, encode(hello, local, peer));
        assertReceived(atB.next(), bLate, local, peer, encode(hello, local, peer), hello);

        b.exec("ip", "link", "del", bLate);
        hostB.transport().refreshInterfaces();
        assertEquals(Set.of(TestNamespace.interfaceName("b0")), hostB.transport().capturedInterfaces());
    }

    @Test
    void messagesReachTheListenerOnTheCaptureThreadAndOneItFailsOnDoesNotStopTheNext() throws Exception {
        DirectLink link = directLink();
        RecordingListener atB = new RecordingListener();
        BlockingQueue<String> threads = new LinkedBlockingQueue<>();
        AtomicBoolean failNext = new AtomicBoolean(true);
        HostTransport hostA = lab.start(link.a(), new RecordingListener());
        HostTransport hostB = lab.start(link.b(), message -> {
            threads.add(Thread.currentThread().getName());
            if (failNext.getAndSet(false)) {
                throw new IllegalStateException("listener cannot take this one");
            }
            atB.onMessage(message);
        });
        InetAddress local = InetAddress.getByName("198.18.1.1");
        InetAddress peer = InetAddress.getByName("198.18.1.2");
        SacipMessage first = hello();
        SacipMessage second = hello();
        hostA.send(local, peer, encode(first, local, peer));
        hostA.send(local, peer, encode(second, local, peer));

        // No thread between the capture and the listener: a hand-off would cost a wake-up per message.
        String captureThread = "sacip-capture-" + link.bLink();
        assertEquals(captureThread, threads.poll(10, TimeUnit.SECONDS), "first message's thread");
        assertEquals(captureThread, threads.poll(10, TimeUnit.SECONDS), "second message's thread");
        assertReceived(atB.next(), link.bLink(), local, peer, encode(second, local, peer), second);
        Transports.await(() -> hostB.transport().counters().delivered() == 1,
                "the failed message is not counted as delivered", hostB.transport()::counters);
        assertEquals(2, hostA.transport().counters().sent());
        assertTrue(atB.isEmpty());
    }

    /** A and B on one veth link: 198.18.1.1 and .2, 2001:db8:1::1 and ::2. */
    private record DirectLink(TestNamespace a, TestNamespace b, String aLink, String bLink) {
    }

    private DirectLink directLink() throws IOException {
        TestNamespace a = lab.namespace("a");
        TestNamespace b = lab.namespace("b");
        String aLink = TestNamespace.interfaceName("a0");
        String bLink = TestNamespace.interfaceName("b0");
        a.linkTo(b, aLink, bLink);
        a.addAddresses(aLink, "198.18.1.1/24", "2001:db8:1::1/64");
        b.addAddresses(bLink, "198.18.1.2/24", "2001:db8:1::2/64");
        return new DirectLink(a, b, aLink, bLink);
    }

    private static NextHop hopToB(DirectLink link) throws IOException {
        return Transports.hop(link.a(), link.aLink(), Transports.mac(link.b(), link.bLink()));
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

    /** An echo request (ping) with a small payload; the frame builder fills in the checksum. */
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
}
