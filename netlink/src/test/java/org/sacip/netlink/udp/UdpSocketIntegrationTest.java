package org.sacip.netlink.udp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.time.Duration;
import java.util.Arrays;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.sacip.netlink.Errno;
import org.sacip.netlink.NetlinkException;
import org.sacip.netlink.NetlinkSystemCallException;
import org.sacip.netlink.testing.LinkedNamespaces;
import org.sacip.netlink.testing.TestNamespace;

/** The libc UDP socket between two throwaway namespaces: endpoints, chosen sources, Don't Fragment, wake-ups. */
@Tag("integration")
class UdpSocketIntegrationTest {
    private static final Duration WAIT = Duration.ofSeconds(5);
    private static final int AGENT_PORT = 4253;

    private static byte[] payload(int length) {
        byte[] bytes = new byte[length];
        for (int i = 0; i < length; i++) {
            bytes[i] = (byte) (i * 7 + 1);
        }
        return bytes;
    }

    @ParameterizedTest(name = "IPv{0}")
    @ValueSource(ints = {4, 6})
    void aDatagramArrivesWithItsSourceAndTheLocalEndpointItWasSentTo(int version) throws Exception {
        try (LinkedNamespaces lab = LinkedNamespaces.create("ud");
                UdpSocket a = UdpSocket.open(lab.a.netNamespace(), version, 0, 0);
                UdpSocket b = UdpSocket.open(lab.b.netNamespace(), version, AGENT_PORT, 0)) {
            assertEquals(AGENT_PORT, b.localPort());
            assertTrue(a.localPort() > 0, "the kernel picked a port");
            a.send(payload(92), LinkedNamespaces.bAddress(version), AGENT_PORT, null);
            ReceivedDatagram received = b.receive(WAIT).orElseThrow(() -> new AssertionError("nothing arrived"));
            assertArrayEquals(payload(92), received.payload());
            assertEquals(LinkedNamespaces.aAddress(version), received.source());
            assertEquals(a.localPort(), received.sourcePort());
            assertEquals(LinkedNamespaces.bAddress(version), received.localAddress());
            assertEquals(AGENT_PORT, received.localPort());
            assertEquals(LinkedNamespaces.interfaceIndex(lab.b, lab.bInterface), received.interfaceIndex());
        }
    }

    @Test
    void aReceiveBufferBeyondRmemMaxKeepsABurstThatNobodyReadsYet() throws Exception {
        int burst = 600;
        try (LinkedNamespaces lab = LinkedNamespaces.create("ub");
                UdpSocket a = UdpSocket.open(lab.a.netNamespace(), 4, 0, 0);
                UdpSocket b = UdpSocket.open(lab.b.netNamespace(), 4, AGENT_PORT, 0)) {
            int rmemMax = Integer.parseInt(lab.b.exec("sysctl", "-n", "net.core.rmem_max").strip());
            b.setReceiveBufferSize(4 << 20);
            // Root may go beyond rmem_max; the kernel reports twice the size, for its bookkeeping.
            assertEquals(8 << 20, b.receiveBufferSize(), "rmem_max is " + rmemMax);
            for (int i = 0; i < burst; i++) {
                a.send(payload(1400), LinkedNamespaces.bAddress(4), AGENT_PORT, null);
            }
            int kept = 0;
            while (b.receive(Duration.ofMillis(500)).isPresent()) {
                kept++;
            }
            // The kernel's default (rmem_default, 208 KiB) keeps fewer than 100 of them.
            assertEquals(burst, kept, "full-size datagrams kept of a burst sent before any was read");
        }
    }

    @ParameterizedTest(name = "IPv{0}")
    @ValueSource(ints = {4, 6})
    void aSocketThatIgnoresTheRoutesPathMtuSendsUpToTheDevicesMtu(int version) throws Exception {
        try (LinkedNamespaces lab = LinkedNamespaces.create("up");
                UdpSocket a = UdpSocket.open(lab.a.netNamespace(), version, 0, 0);
                UdpSocket b = UdpSocket.open(lab.b.netNamespace(), version, AGENT_PORT, 0)) {
            InetAddress bAddress = LinkedNamespaces.bAddress(version);
            lab.a.exec("ip", "-" + version, "route", "add", bAddress.getHostAddress(), "dev", lab.aInterface,
                    "mtu", "lock", "1400");
            int fullSize = 1500 - (version == 4 ? 28 : 48);
            NetlinkException refused = assertThrows(NetlinkException.class,
                    () -> a.send(payload(fullSize), bAddress, AGENT_PORT, null));
            assertTrue(UdpSocket.isTooLarge(refused), refused.getMessage());

            a.ignoreRoutePathMtu();
            a.send(payload(fullSize), bAddress, AGENT_PORT, null);
            assertEquals(fullSize, b.receive(WAIT).orElseThrow(() -> new AssertionError("nothing arrived")).length());
            NetlinkException beyondTheDevice = assertThrows(NetlinkException.class,
                    () -> a.send(payload(fullSize + 1), bAddress, AGENT_PORT, null));
            assertTrue(UdpSocket.isTooLarge(beyondTheDevice), "still Don't Fragment: " + beyondTheDevice);
        }
    }

    @ParameterizedTest(name = "IPv{0}")
    @ValueSource(ints = {4, 6})
    void aDatagramLeavesFromTheSourceItNames(int version) throws Exception {
        try (LinkedNamespaces lab = LinkedNamespaces.create("us");
                UdpSocket a = UdpSocket.open(lab.a.netNamespace(), version, 40000, 0);
                UdpSocket b = UdpSocket.open(lab.b.netNamespace(), version, AGENT_PORT, 0)) {
            String second = version == 4 ? "198.18.0.11" : "2001:db8::11";
            // On a's link, so that b's neighbour discovery finds it for the answer (IPv6 answers only for addresses
            // of the link asked on).
            lab.a.exec("ip", "addr", "add", second + (version == 4 ? "/32" : "/128"), "dev", lab.aInterface,
                    "nodad");
            a.send(payload(10), LinkedNamespaces.bAddress(version), AGENT_PORT, InetAddress.getByName(second));
            ReceivedDatagram received = b.receive(WAIT).orElseThrow(() -> new AssertionError("nothing arrived"));
            assertEquals(InetAddress.getByName(second), received.source());
            assertEquals(40000, received.sourcePort());
            // The answer goes back to where it came from; the reply's source is b's address it arrived at.
            b.send(payload(11), received.source(), received.sourcePort(), received.localAddress());
            ReceivedDatagram answer = a.receive(WAIT).orElseThrow(() -> new AssertionError("no answer"));
            assertEquals(InetAddress.getByName(second), answer.localAddress());
            assertEquals(LinkedNamespaces.bAddress(version), answer.source());
        }
    }

    @ParameterizedTest(name = "IPv{0}")
    @ValueSource(ints = {4, 6})
    void segmentedDatagramsArriveOneByOneInOrderWithTheirLengths(int version) throws Exception {
        try (LinkedNamespaces lab = LinkedNamespaces.create("ug");
                UdpSocket a = UdpSocket.open(lab.a.netNamespace(), version, 0, 0);
                UdpSocket b = UdpSocket.open(lab.b.netNamespace(), version, AGENT_PORT, 0)) {
            // Nine of 1000 octets and a last one of 500, each numbered in its first octet.
            byte[] data = new byte[9_500];
            for (int i = 0; i < data.length; i++) {
                data[i] = (byte) (i % 1000 == 0 ? i / 1000 : i * 3);
            }
            assertEquals(10, a.sendSegments(data, data.length, 1000, LinkedNamespaces.bAddress(version), AGENT_PORT,
                    null));
            for (int i = 0; i < 10; i++) {
                ReceivedDatagram received = b.receive(WAIT).orElseThrow(() -> new AssertionError("missing"));
                byte[] expected = Arrays.copyOfRange(data, i * 1000, Math.min(data.length, i * 1000 + 1000));
                assertArrayEquals(expected, received.payload(), "datagram " + i);
                assertEquals(a.localPort(), received.sourcePort());
            }
            assertEquals(Optional.empty(), b.receive(Duration.ofMillis(100)), "nothing more");
        }
    }

    @Test
    void segmentsAboveTheMtuAreRefusedLikeSingleDatagrams() throws Exception {
        try (LinkedNamespaces lab = LinkedNamespaces.create("um");
                UdpSocket a = UdpSocket.open(lab.a.netNamespace(), 4, 0, 0);
                UdpSocket b = UdpSocket.open(lab.b.netNamespace(), 4, AGENT_PORT, 0)) {
            lab.a.exec("ip", "link", "set", lab.aInterface, "mtu", "1280");
            NetlinkException e = assertThrows(NetlinkException.class, () -> a.sendSegments(new byte[2_506], 2_506,
                    1_253, LinkedNamespaces.bAddress(4), AGENT_PORT, null));
            assertTrue(UdpSocket.isTooLarge(e), e.getMessage());
            assertEquals(Optional.empty(), b.receive(Duration.ofMillis(200)), "no fragments either");
            // In order, stopping at the first refused: a small last one does not go alone.
            assertThrows(NetlinkException.class, () -> a.sendSegments(new byte[3_000], 3_000, 1_253,
                    LinkedNamespaces.bAddress(4), AGENT_PORT, null));
            assertEquals(Optional.empty(), b.receive(Duration.ofMillis(100)));
            assertEquals(3, a.sendSegments(new byte[3_000], 3_000, 1_252, LinkedNamespaces.bAddress(4), AGENT_PORT,
                    null));
            for (int length : new int[] {1252, 1252, 496}) {
                assertEquals(length, b.receive(WAIT).orElseThrow(() -> new AssertionError("missing")).length());
            }
        }
    }

    @Test
    void aSourceThatIsNotLocalIsRefusedAndNothingIsSent() throws Exception {
        try (LinkedNamespaces lab = LinkedNamespaces.create("un");
                UdpSocket a = UdpSocket.open(lab.a.netNamespace(), 4, 0, 0);
                UdpSocket b = UdpSocket.open(lab.b.netNamespace(), 4, AGENT_PORT, 0)) {
            NetlinkSystemCallException e = assertThrows(NetlinkSystemCallException.class, () -> a.send(payload(10),
                    LinkedNamespaces.bAddress(4), AGENT_PORT, InetAddress.getByName("198.18.0.99")));
            assertTrue(e.getMessage().startsWith("sendmsg(198.18.0.2:4253) failed"), e.getMessage());
            assertEquals(Optional.empty(), b.receive(Duration.ofMillis(200)));
        }
    }

    @Test
    void ipv4DatagramsCarryDontFragmentAndOneAboveTheMtuIsRefused() throws Exception {
        try (LinkedNamespaces lab = LinkedNamespaces.create("uf");
                UdpSocket a = UdpSocket.open(lab.a.netNamespace(), 4, 0, 0);
                UdpSocket b = UdpSocket.open(lab.b.netNamespace(), 4, AGENT_PORT, 0)) {
            lab.b.exec("nft", "add", "table", "inet", "udpt");
            lab.b.exec("nft", "add", "chain", "inet", "udpt", "in", "{", "type", "filter", "hook", "input",
                    "priority", "0", ";", "}");
            lab.b.exec("nft", "add", "rule", "inet", "udpt", "in", "ip", "frag-off", "&", "0x4000", "!=", "0",
                    "udp", "dport", Integer.toString(AGENT_PORT), "counter");
            lab.a.exec("ip", "link", "set", lab.aInterface, "mtu", "1280");
            a.send(payload(1252), LinkedNamespaces.bAddress(4), AGENT_PORT, null);
            assertEquals(1252, b.receive(WAIT).orElseThrow(() -> new AssertionError("nothing arrived")).length());
            assertEquals(1, dontFragmentCount(lab.b));
            NetlinkException e = assertThrows(NetlinkException.class,
                    () -> a.send(payload(1253), LinkedNamespaces.bAddress(4), AGENT_PORT, null));
            assertTrue(UdpSocket.isTooLarge(e), e.getMessage());
            assertEquals(Optional.empty(), b.receive(Duration.ofMillis(200)), "no fragments either");
        }
    }

    @Test
    void ipv6DatagramsAboveTheMtuAreRefusedNotFragmented() throws Exception {
        try (LinkedNamespaces lab = LinkedNamespaces.create("u6");
                UdpSocket a = UdpSocket.open(lab.a.netNamespace(), 6, 0, 0);
                UdpSocket b = UdpSocket.open(lab.b.netNamespace(), 6, AGENT_PORT, 0)) {
            lab.a.exec("ip", "link", "set", lab.aInterface, "mtu", "1280");
            a.send(payload(1232), LinkedNamespaces.bAddress(6), AGENT_PORT, null);
            assertEquals(1232, b.receive(WAIT).orElseThrow(() -> new AssertionError("nothing arrived")).length());
            NetlinkException e = assertThrows(NetlinkException.class,
                    () -> a.send(payload(1233), LinkedNamespaces.bAddress(6), AGENT_PORT, null));
            assertTrue(UdpSocket.isTooLarge(e), e.getMessage());
            assertEquals(Optional.empty(), b.receive(Duration.ofMillis(200)), "no fragments either");
        }
    }

    @Test
    void wakeupAndCloseEndAWaitingReceive() throws Exception {
        try (TestNamespace ns = TestNamespace.create("uw");
                UdpSocket socket = UdpSocket.open(ns.netNamespace(), 4, 0, 0)) {
            CompletableFuture<Optional<ReceivedDatagram>> waiting =
                    CompletableFuture.supplyAsync(() -> receive(socket));
            socket.wakeup();
            assertEquals(Optional.empty(), waiting.get(WAIT.toSeconds(), TimeUnit.SECONDS));
            CompletableFuture<Boolean> second = CompletableFuture.supplyAsync(() -> endedByClose(socket));
            socket.close();
            assertTrue(second.get(WAIT.toSeconds(), TimeUnit.SECONDS), "close ended the wait");
            assertThrows(NetlinkException.class, () -> socket.receive(Duration.ZERO));
        }
    }

    @Test
    void aPortInUseIsRefusedWithItsErrno() throws Exception {
        try (TestNamespace ns = TestNamespace.create("up");
                UdpSocket first = UdpSocket.open(ns.netNamespace(), 6, AGENT_PORT, 0)) {
            NetlinkSystemCallException e = assertThrows(NetlinkSystemCallException.class,
                    () -> UdpSocket.open(ns.netNamespace(), 6, AGENT_PORT, 0));
            assertEquals(Errno.EADDRINUSE, e.errno());
            assertEquals("bind(UDP port 4253) failed: EADDRINUSE (98)", e.getMessage());
            // The IPv6 socket is IPv6 only, so the IPv4 one can have the same port.
            UdpSocket.open(ns.netNamespace(), 4, AGENT_PORT, 0).close();
            assertThrows(IllegalArgumentException.class, () -> first.send(payload(1),
                    InetAddress.getByName("198.18.0.2"), AGENT_PORT, null));
        }
    }

    private static Optional<ReceivedDatagram> receive(UdpSocket socket) {
        try {
            return socket.receive(null);
        } catch (NetlinkException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A receive that either was waiting when the socket closed (empty) or began after it (closed). */
    private static boolean endedByClose(UdpSocket socket) {
        try {
            return socket.receive(null).isEmpty();
        } catch (NetlinkException e) {
            return e.getMessage().equals("UDP socket is closed");
        }
    }

    private static long dontFragmentCount(TestNamespace ns) throws Exception {
        Matcher m = Pattern.compile("counter packets (\\d+)").matcher(ns.exec("nft", "list", "chain", "inet", "udpt",
                "in"));
        assertTrue(m.find(), "no counter");
        return Long.parseLong(m.group(1));
    }
}
