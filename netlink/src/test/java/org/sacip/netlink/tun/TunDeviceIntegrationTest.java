package org.sacip.netlink.tun;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.sacip.netlink.tun.TunLab.address;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.sacip.netlink.Errno;
import org.sacip.netlink.NetlinkErrorException;
import org.sacip.netlink.NetlinkException;
import org.sacip.netlink.NetlinkSystemCallException;
import org.sacip.netlink.packet.InnerPacket;
import org.sacip.netlink.packet.PacketParseException;
import org.sacip.netlink.packet.PacketTuple;
import org.sacip.netlink.route.RtnetlinkClient;
import org.sacip.netlink.testing.IpPackets;
import org.sacip.netlink.testing.TestNamespace;
import org.sacip.netlink.udp.ReceivedDatagram;
import org.sacip.netlink.udp.UdpSocket;

/**
 * A TUN device in a throwaway namespace (TunLab: 198.18.0.1/24 and 2001:db8::1/64, MTU 1400, up): what the kernel
 * routes into it is read whole, what is written into it reaches the namespace's sockets, a waiting receive ends on
 * close, nothing above the MTU is read, and the device goes with its file.
 */
@Tag("integration")
class TunDeviceIntegrationTest {
    private static final Duration WAIT = Duration.ofSeconds(5);
    private static final int PEER_PORT = 5000;
    private static final int AGENT_PORT = 4253;

    private static byte[] payload(int length) {
        byte[] bytes = new byte[length];
        for (int i = 0; i < length; i++) {
            bytes[i] = (byte) (i * 7 + 3);
        }
        return bytes;
    }

    private static String local(int version) {
        return version == 4 ? TunLab.LOCAL4 : TunLab.LOCAL6;
    }

    private static String peer(int version) {
        return version == 4 ? TunLab.PEER4 : TunLab.PEER6;
    }

    @ParameterizedTest(name = "IPv{0}")
    @ValueSource(ints = {4, 6})
    void aDatagramRoutedIntoTheDeviceIsReadWholeWithItsTuple(int version) throws Exception {
        try (TunLab lab = TunLab.create("ta");
                UdpSocket socket = UdpSocket.open(lab.ns.netNamespace(), version, 0, 0)) {
            socket.send(payload(100), address(peer(version)), PEER_PORT, null);
            byte[] packet = lab.receiveMatching(p -> p.destinationPort() == PEER_PORT, WAIT);
            int headerLength = version == 4 ? 20 : 40;
            assertEquals(headerLength + 8 + 100, packet.length, "one read, one whole packet, no header before it");
            InnerPacket inner = InnerPacket.parse(ByteBuffer.wrap(packet));
            assertEquals(version, inner.ipVersion());
            assertEquals(new PacketTuple(17, address(local(version)), socket.localPort(), address(peer(version)),
                    PEER_PORT), inner.tuple());
            assertArrayEquals(payload(100), Arrays.copyOfRange(packet, headerLength + 8, packet.length));
            // Without offloads the kernel fills every checksum in: the incremental updates start from right sums.
            assertArrayEquals(IpPackets.refreshChecksums(packet), packet);
        }
    }

    @Test
    void aLongerQueueKeepsABurstThatNobodyReadsYet() throws Exception {
        int burst = 800;
        // A socket holds its datagrams until the device's reader frees them: 100 stay within one's send buffer.
        int perSocket = 100;
        List<UdpSocket> sockets = new ArrayList<>();
        try (TunLab lab = TunLab.create("tq")) {
            lab.tun.setTxQueueLength(2000);
            assertTrue(lab.ns.exec("ip", "link", "show", lab.tun.name()).contains(" qlen 2000"));
            for (int i = 0; i < burst / perSocket; i++) {
                UdpSocket socket = UdpSocket.open(lab.ns.netNamespace(), 4, 0, 0);
                sockets.add(socket);
                for (int j = 0; j < perSocket; j++) {
                    socket.send(payload(100), address(TunLab.PEER4), PEER_PORT, null);
                }
            }
            // The default queue (500) drops the rest of the burst; each packet missing fails the read here.
            for (int i = 0; i < burst; i++) {
                lab.receiveMatching(p -> p.destinationPort() == PEER_PORT, WAIT);
            }
        } finally {
            sockets.forEach(UdpSocket::close);
        }
    }

    @Test
    void aDirectBufferTakesThePacketAtItsPosition() throws Exception {
        try (TunLab lab = TunLab.create("tb");
                UdpSocket socket = UdpSocket.open(lab.ns.netNamespace(), 6, 0, 0)) {
            socket.send(payload(60), address(TunLab.PEER6), PEER_PORT, null);
            ByteBuffer direct = ByteBuffer.allocateDirect(TunDevice.MAX_PACKET + 10);
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (System.nanoTime() < deadline) {
                direct.clear().position(10);
                int length = lab.tun.receive(direct, WAIT);
                assertEquals(10 + Math.max(length, 0), direct.position(), "the position advances past the packet");
                direct.flip().position(10);
                try {
                    InnerPacket inner = InnerPacket.parse(direct);
                    assertEquals(socket.localPort(), inner.sourcePort());
                    assertEquals(40 + 8 + 60, length);
                    return;
                } catch (PacketParseException e) {
                    // The kernel's own ICMPv6 (router solicitation, MLD report) comes first at times.
                    assertEquals(PacketParseException.Reason.UNSUPPORTED_PROTOCOL, e.reason(), e.getMessage());
                }
            }
            throw new AssertionError("no UDP packet read within " + WAIT);
        }
    }

    /**
     * A packet written into the device enters the namespace as if it had arrived on it. The reverse path filter is
     * strict here (1, on purpose): the packet's source 198.18.0.2 passes because the namespace's route to it goes out
     * through this same device (the /24 of its address); a source routed elsewhere (here: nowhere) is dropped.
     */
    @Test
    void aPacketWrittenIntoTheDeviceIsDeliveredToTheSocket() throws Exception {
        try (TunLab lab = TunLab.create("tw");
                UdpSocket socket = UdpSocket.open(lab.ns.netNamespace(), 4, AGENT_PORT, 0)) {
            lab.ns.exec("sysctl", "-qw", "net.ipv4.conf.all.rp_filter=1",
                    "net.ipv4.conf." + lab.tun.name() + ".rp_filter=1");
            byte[] packet = IpPackets.udp(address(TunLab.PEER4), PEER_PORT, address(TunLab.LOCAL4), AGENT_PORT,
                    payload(33));
            ByteBuffer buffer = ByteBuffer.wrap(packet);
            lab.tun.send(buffer);
            assertFalse(buffer.hasRemaining(), "the whole buffer was sent");
            ReceivedDatagram received = socket.receive(WAIT).orElseThrow(() -> new AssertionError("not delivered"));
            assertEquals(address(TunLab.PEER4), received.source());
            assertEquals(PEER_PORT, received.sourcePort());
            assertEquals(address(TunLab.LOCAL4), received.localAddress());
            assertEquals(lab.tun.index(), received.interfaceIndex());
            assertArrayEquals(payload(33), received.payload());

            byte[] badChecksum = packet.clone();
            badChecksum[27] ^= 0x40;
            lab.tun.send(ByteBuffer.wrap(badChecksum));
            byte[] unroutedSource = IpPackets.udp(address("198.19.0.2"), PEER_PORT, address(TunLab.LOCAL4),
                    AGENT_PORT, payload(34));
            lab.tun.send(ByteBuffer.wrap(unroutedSource));
            lab.tun.send(ByteBuffer.wrap(packet));
            assertEquals(33, socket.receive(WAIT).orElseThrow().length(), "only the good packet arrives again");
            assertEquals(Optional.empty(), socket.receive(Duration.ofMillis(200)),
                    "a wrong UDP checksum and a source the filter refuses are dropped");
        }
    }

    /** The agent's rewrite end to end: a packet read, its ends swapped by InnerPacket, written back, delivered. */
    @ParameterizedTest(name = "IPv{0}")
    @ValueSource(ints = {4, 6})
    void aPacketReadRewrittenAndWrittenBackReachesTheSender(int version) throws Exception {
        try (TunLab lab = TunLab.create("te");
                UdpSocket socket = UdpSocket.open(lab.ns.netNamespace(), version, 0, 0)) {
            socket.send(payload(200), address(peer(version)), PEER_PORT, null);
            byte[] packet = lab.receiveMatching(p -> p.destinationPort() == PEER_PORT, WAIT);
            InnerPacket inner = InnerPacket.parse(ByteBuffer.wrap(packet));
            PacketTuple sent = inner.tuple();
            inner.setSourceAddress(sent.destination());
            inner.setDestinationAddress(sent.source());
            inner.setSourcePort(sent.destinationPort() + 1);
            inner.setDestinationPort(sent.sourcePort());
            lab.tun.send(ByteBuffer.wrap(packet, 0, inner.length()));
            ReceivedDatagram echo = socket.receive(WAIT).orElseThrow(() -> new AssertionError("the rewritten "
                    + "packet was not delivered: " + inner));
            assertEquals(address(peer(version)), echo.source());
            assertEquals(PEER_PORT + 1, echo.sourcePort());
            assertArrayEquals(payload(200), echo.payload());
        }
    }

    @Test
    void wakeupEndsAWaitWithZeroAndCloseWithMinusOne() throws Exception {
        try (TunLab lab = TunLab.create("tc")) {
            TunDevice tun = lab.tun;
            lab.quiet();
            CompletableFuture<Integer> woken = CompletableFuture.supplyAsync(() -> receive(tun));
            Thread.sleep(200);
            tun.wakeup();
            assertEquals(0, woken.get(WAIT.toSeconds(), TimeUnit.SECONDS));

            CompletableFuture<Integer> closed = CompletableFuture.supplyAsync(() -> receive(tun));
            Thread.sleep(200);
            assertFalse(closed.isDone(), "the receive waits for a packet");
            long start = System.nanoTime();
            tun.close();
            assertEquals(-1, closed.get(WAIT.toSeconds(), TimeUnit.SECONDS));
            long millis = (System.nanoTime() - start) / 1_000_000;
            assertTrue(millis < 1000, "close ended the wait in " + millis + " ms");
            assertEquals(-1, tun.receive(ByteBuffer.allocate(100)), "and every receive after it");
            NetlinkException e = assertThrows(NetlinkException.class, () -> tun.send(ByteBuffer.wrap(payload(40))));
            assertTrue(e.getMessage().endsWith("is closed"), e.getMessage());
        }
    }

    private static int receive(TunDevice tun) {
        try {
            return tun.receive(ByteBuffer.allocate(TunDevice.MAX_PACKET));
        } catch (NetlinkException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Nothing longer than the MTU is ever read. A datagram that does not fit is refused at the socket when it carries
     * Don't Fragment (the project's UdpSocket, IPv4 and IPv6) and otherwise fragmented by the kernel before the
     * device (a plain Java socket): the first fragment carries the tuple, the later ones none.
     */
    @ParameterizedTest(name = "IPv{0}")
    @ValueSource(ints = {4, 6})
    void aPacketAboveTheMtuIsRefusedOrFragmentedNeverRead(int version) throws Exception {
        int headers = (version == 4 ? 20 : 40) + 8;
        try (TunLab lab = TunLab.create("tm");
                UdpSocket dontFragment = UdpSocket.open(lab.ns.netNamespace(), version, 0, 0);
                DatagramChannel plain = lab.ns.netNamespace().call(() -> DatagramChannel.open(version == 4
                        ? StandardProtocolFamily.INET : StandardProtocolFamily.INET6))) {
            dontFragment.send(payload(TunLab.MTU - headers), address(peer(version)), PEER_PORT, null);
            assertEquals(TunLab.MTU, lab.receiveMatching(p -> p.destinationPort() == PEER_PORT, WAIT).length,
                    "a packet of exactly the MTU passes");
            NetlinkException tooLarge = assertThrows(NetlinkException.class, () -> dontFragment.send(
                    payload(TunLab.MTU - headers + 1), address(peer(version)), PEER_PORT, null));
            assertTrue(UdpSocket.isTooLarge(tooLarge), tooLarge.getMessage());

            plain.send(ByteBuffer.wrap(payload(3000)), new InetSocketAddress(address(peer(version)), PEER_PORT + 1));
            List<Integer> lengths = new ArrayList<>();
            int transportBytes = 0;
            boolean first = true;
            ByteBuffer buffer = ByteBuffer.allocate(TunDevice.MAX_PACKET);
            while (transportBytes < 3008) {
                buffer.clear();
                int length = lab.tun.receive(buffer, WAIT);
                assertTrue(length > 0, "fragments so far " + lengths);
                buffer.flip();
                if (!isFragmentOf(buffer, version)) {
                    continue;
                }
                lengths.add(length);
                assertTrue(length <= TunLab.MTU, "read " + length + " bytes through an MTU of " + TunLab.MTU);
                transportBytes += length - (version == 4 ? 20 : 48);
                if (first) {
                    InnerPacket inner = InnerPacket.parse(buffer);
                    assertTrue(inner.moreFragments());
                    assertEquals(PEER_PORT + 1, inner.destinationPort());
                    first = false;
                } else {
                    PacketParseException e = assertThrows(PacketParseException.class,
                            () -> InnerPacket.parse(buffer));
                    assertEquals(PacketParseException.Reason.FRAGMENT, e.reason());
                }
            }
            assertEquals(3008, transportBytes, "the fragments " + lengths + " carry the datagram exactly");
            assertTrue(lengths.size() >= 3, "3008 bytes over an MTU of 1400 take three fragments: " + lengths);
        }
    }

    /** An IPv4 packet with MF or an offset, or an IPv6 packet whose next header is a fragment header. */
    private static boolean isFragmentOf(ByteBuffer packet, int version) {
        if ((packet.get(0) >>> 4 & 0xf) != version) {
            return false;
        }
        return version == 4 ? (packet.getShort(6) & 0x3fff) != 0 : packet.get(6) == 44;
    }

    @Test
    void aPacketLongerThanTheBufferIsReportedLostAndTheDeviceGoesOn() throws Exception {
        try (TunLab lab = TunLab.create("ts");
                UdpSocket socket = UdpSocket.open(lab.ns.netNamespace(), 4, 0, 0)) {
            lab.quiet();
            socket.send(payload(500), address(TunLab.PEER4), PEER_PORT, null);
            ByteBuffer small = ByteBuffer.allocate(100);
            NetlinkException e = assertThrows(NetlinkException.class, () -> lab.tun.receive(small, WAIT));
            assertTrue(e.getMessage().contains("a packet of 528 bytes") && e.getMessage().contains("100 bytes left"),
                    e.getMessage());
            assertEquals(0, small.position());
            ByteBuffer smallDirect = ByteBuffer.allocateDirect(100);
            socket.send(payload(500), address(TunLab.PEER4), PEER_PORT, null);
            assertThrows(NetlinkException.class, () -> lab.tun.receive(smallDirect, WAIT));
            assertEquals(0, smallDirect.position());
            socket.send(payload(50), address(TunLab.PEER4), PEER_PORT, null);
            assertEquals(78, lab.tun.receive(ByteBuffer.allocate(100), WAIT));
        }
    }

    @Test
    void theDeviceDisappearsWhenClosed() throws Exception {
        try (TestNamespace ns = TestNamespace.create("tg");
                RtnetlinkClient links = RtnetlinkClient.open(ns.netNamespace())) {
            TunDevice tun = TunDevice.open(ns.netNamespace(), TestNamespace.interfaceName("tg"));
            assertEquals(TestNamespace.interfaceName("tg"), tun.name());
            assertEquals(tun.index(), links.link(tun.name()).orElseThrow().index());
            ns.exec("ip", "addr", "add", TunLab.LOCAL4 + "/24", "dev", tun.name());
            assertTrue(links.link(tun.name()).isPresent());
            tun.close();
            assertEquals(Optional.empty(), links.link(tun.name()));
            assertEquals(Optional.empty(), links.link(tun.index()));
            assertFalse(ns.exec("ip", "-o", "addr").contains(TunLab.LOCAL4), "its address went with it");
            tun.close();
        }
    }

    @Test
    void namesAreCheckedTakenNamesRefusedAndTemplatesFilledIn() throws Exception {
        String tooLong = "sixteen-chars-xx";
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> TunDevice.open(tooLong));
        assertTrue(e.getMessage().contains("16 bytes"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> TunDevice.open("a/b"));
        assertThrows(IllegalArgumentException.class, () -> TunDevice.open("a b"));
        assertThrows(IllegalArgumentException.class, () -> TunDevice.open(".."));
        try (TestNamespace ns = TestNamespace.create("tn");
                TunDevice first = TunDevice.open(ns.netNamespace(), TestNamespace.interfaceName("t%d"));
                TunDevice second = TunDevice.open(ns.netNamespace(), TestNamespace.interfaceName("t%d"))) {
            assertEquals(TestNamespace.interfaceName("t0"), first.name());
            assertEquals(TestNamespace.interfaceName("t1"), second.name());
            assertNotEquals(first.index(), second.index());
            NetlinkSystemCallException taken = assertThrows(NetlinkSystemCallException.class,
                    () -> TunDevice.open(ns.netNamespace(), first.name()));
            assertEquals(Errno.EBUSY, taken.errno());
            assertEquals("ioctl(TUNSETIFF, '" + first.name() + "') failed: EBUSY (16): an interface named '"
                    + first.name() + "' exists already", taken.getMessage());
            assertEquals(Errno.EBUSY, assertThrows(NetlinkSystemCallException.class,
                    () -> TunDevice.open(ns.netNamespace(), "lo")).errno(), "nor is another kind of device taken");
        }
    }

    @Test
    void aDeviceThatIsDownRefusesPacketsAndBadMtusAreRefused() throws Exception {
        try (TestNamespace ns = TestNamespace.create("td");
                TunDevice tun = TunDevice.open(ns.netNamespace(), TestNamespace.interfaceName("td"))) {
            byte[] packet = IpPackets.udp(address(TunLab.PEER4), 1, address(TunLab.LOCAL4), 2, payload(4));
            NetlinkSystemCallException down = assertThrows(NetlinkSystemCallException.class,
                    () -> tun.send(ByteBuffer.wrap(packet)));
            assertEquals(Errno.EIO, down.errno());
            assertTrue(down.getMessage().endsWith("the device is down"), down.getMessage());
            tun.setUp();
            tun.send(ByteBuffer.wrap(packet));
            NetlinkSystemCallException notIp = assertThrows(NetlinkSystemCallException.class,
                    () -> tun.send(ByteBuffer.wrap(new byte[] {0x50, 0, 0, 0})));
            assertEquals(Errno.EINVAL, notIp.errno());
            assertEquals(Errno.EINVAL, assertThrows(NetlinkErrorException.class,
                    () -> tun.setMtu(67)).errno());
            tun.setMtu(65535);
            assertTrue(ns.exec("ip", "link", "show", tun.name()).contains(" mtu 65535 "));
            assertThrows(IllegalArgumentException.class, () -> tun.send(ByteBuffer.allocate(0)));
            assertThrows(IllegalArgumentException.class, () -> tun.send(ByteBuffer.allocate(65536)));
        }
    }

    @Test
    void aDeviceMadeInANamespaceStaysThereAndItsAddressesAreThatNamespaces() throws Exception {
        try (TunLab lab = TunLab.create("tv")) {
            String links = lab.ns.exec("ip", "-o", "link", "show", lab.tun.name());
            assertTrue(links.contains(" mtu 1400 ") && links.contains("UP"), links);
            assertFalse(TestNamespace.run("ip", "-o", "link").contains(lab.tun.name() + ":"),
                    "the device is not in the test's own namespace");
            InetAddress local = address(TunLab.LOCAL4);
            assertTrue(lab.ns.exec("ip", "-o", "addr", "show", "dev", lab.tun.name())
                    .contains(local.getHostAddress() + "/24"));
        }
    }
}
