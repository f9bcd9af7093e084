package org.sacip.agent.datapath;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.sacip.agent.datapath.PathMtuErrorException.Reason;
import org.sacip.agent.session.Endpoint;
import org.sacip.agent.session.SessionProtocol;
import org.sacip.agent.session.SessionTuple;
import org.sacip.netlink.fixtures.KernelFixtures;
import org.sacip.netlink.nftables.TupleKey;
import org.sacip.protocol.codec.IcmpChecksum;
import org.sacip.protocol.message.AddressFamily;
import org.sacip.protocol.message.SacipAddress;

/**
 * The path MTU error parser and the relayed copy, on errors a real router's kernel sent and the SACIP ruleset logged
 * (fixtures/pmtu-*.hex, captured from Linux 6.18 by {@link CapturePathMtuFixtures}), and on copies of them damaged
 * one field at a time (checksums made right again, so only that field is wrong).
 */
class PathMtuErrorTest {
    private static final String V4_TCP = "pmtu-ipv4-fragmentation-needed-tcp";
    private static final String V4_UDP = "pmtu-ipv4-fragmentation-needed-udp";
    private static final String V6_TCP = "pmtu-ipv6-packet-too-big-tcp";
    private static final String V6_UDP = "pmtu-ipv6-packet-too-big-udp";
    private static final int V4_INNER = 28;
    private static final int V6_INNER = 48;

    /** A fixture's packet, from its IP header. */
    static byte[] fixture(String name) {
        return KernelFixtures.hex(PathMtuErrorTest.class, "fixtures/" + name);
    }

    @Test
    void readsTheErrorsARouterSends() throws Exception {
        InetAddress router4 = Addresses.parse("198.18.1.254");
        InetAddress x4 = Addresses.parse("198.18.1.1");
        InetAddress b4 = Addresses.parse("198.18.2.2");
        InetAddress router6 = Addresses.parse("2001:db8:1::fe");
        InetAddress x6 = Addresses.parse("2001:db8:1::1");
        InetAddress b6 = Addresses.parse("2001:db8:2::2");

        PathMtuError tcp4 = PathMtuError.parse(fixture(V4_TCP));
        assertEquals(router4, tcp4.reporter());
        assertEquals(x4, tcp4.destination());
        assertEquals(1200, tcp4.mtu());
        assertEquals(new TupleKey(x4, b4, TupleKey.TCP, tcp4.quoted().sourcePort(), 5001), tcp4.quoted());
        assertEquals(576, tcp4.packet().length, "Linux quotes up to 576 bytes in all");

        PathMtuError udp4 = PathMtuError.parse(fixture(V4_UDP));
        assertEquals(new PathMtuError(router4, x4, 1200, new TupleKey(x4, b4, TupleKey.UDP, 40000, 7000),
                fixture(V4_UDP)), udp4);

        PathMtuError tcp6 = PathMtuError.parse(fixture(V6_TCP));
        assertEquals(router6, tcp6.reporter());
        assertEquals(x6, tcp6.destination());
        assertEquals(1280, tcp6.mtu());
        assertEquals(new TupleKey(x6, b6, TupleKey.TCP, tcp6.quoted().sourcePort(), 5001), tcp6.quoted());

        PathMtuError udp6 = PathMtuError.parse(fixture(V6_UDP));
        assertEquals(new PathMtuError(router6, x6, 1280, new TupleKey(x6, b6, TupleKey.UDP, 40000, 7000),
                fixture(V6_UDP)), udp6);
        assertEquals(1280, udp6.packet().length, "an ICMPv6 error fills the minimum MTU");
    }

    @Test
    void bytesCapturedBeyondThePacketAreIgnored() throws Exception {
        byte[] longer = Arrays.copyOf(fixture(V4_UDP), 600);
        assertArrayEquals(fixture(V4_UDP), PathMtuError.parse(longer).packet());
    }

    @ParameterizedTest
    @ValueSource(strings = {V4_TCP, V4_UDP, V6_TCP, V6_UDP})
    void theRelayedCopyQuotesTheSocketsTupleAndAddsUp(String name) throws Exception {
        byte[] original = fixture(name);
        PathMtuError error = PathMtuError.parse(original);
        boolean ipv6 = error.quoted().isIpv6();
        InetAddress local = Addresses.parse(ipv6 ? "2001:db8:1::99" : "198.18.1.99");
        InetAddress remote = Addresses.parse(ipv6 ? "2001:db8:2::99" : "198.18.2.99");
        TupleKey quoted = error.quoted();
        SessionTuple socket = new SessionTuple(quoted.protocol() == TupleKey.TCP ? SessionProtocol.TCP
                : SessionProtocol.UDP, new Endpoint(local, quoted.sourcePort()),
                new Endpoint(remote, quoted.destinationPort()));

        byte[] relayed = error.towards(socket);
        // Parsing checks the outer IPv4 header checksum and the ICMP (ICMPv6 with its pseudo-header) checksum.
        PathMtuError copy = PathMtuError.parse(relayed);
        assertEquals(error.reporter(), copy.reporter());
        assertEquals(local, copy.destination());
        assertEquals(error.mtu(), copy.mtu());
        assertEquals(new TupleKey(local, remote, quoted.protocol(), quoted.sourcePort(), quoted.destinationPort()),
                copy.quoted());
        assertEquals(original.length, relayed.length);
        int inner = ipv6 ? V6_INNER : V4_INNER;
        int addresses = ipv6 ? 8 : 12;
        int afterAddresses = ipv6 ? 40 : 20;
        assertArrayEquals(Arrays.copyOfRange(original, inner - 8, inner - 6),
                Arrays.copyOfRange(relayed, inner - 8, inner - 6), "ICMP type and code");
        assertArrayEquals(Arrays.copyOfRange(original, inner - 4, inner + (ipv6 ? addresses : 10)),
                Arrays.copyOfRange(relayed, inner - 4, inner + (ipv6 ? addresses : 10)),
                "the MTU and the quoted header up to its addresses (IPv4: its checksum)");
        assertArrayEquals(Arrays.copyOfRange(original, inner + afterAddresses, original.length),
                Arrays.copyOfRange(relayed, inner + afterAddresses, relayed.length), "the rest of the quote");
        if (!ipv6) {
            assertEquals(0, PathMtuError.checksum(ByteBuffer.wrap(relayed), inner, 20), "quoted header checksum");
            assertEquals(original[8], relayed[8], "TTL");
        } else {
            assertEquals(original[7], relayed[7], "hop limit");
        }
    }

    /**
     * The peer was behind a NAT that translated its port (the socket knows 61000) and now sends directly: the
     * router quotes our packet to its own port, the relayed copy quotes the socket's port (and nothing else of the
     * transport header changes), checksums right.
     */
    @ParameterizedTest
    @ValueSource(strings = {V4_TCP, V4_UDP, V6_TCP, V6_UDP})
    void theRelayedCopyQuotesThePeersPortAsTheSocketKnowsIt(String name) throws Exception {
        byte[] original = fixture(name);
        PathMtuError error = PathMtuError.parse(original);
        boolean ipv6 = error.quoted().isIpv6();
        InetAddress local = Addresses.parse(ipv6 ? "2001:db8:1::99" : "198.18.1.99");
        InetAddress nat = Addresses.parse(ipv6 ? "2001:db8:3::1" : "198.18.3.1");
        TupleKey quoted = error.quoted();
        assertTrue(quoted.destinationPort() != 61000);
        SessionTuple socket = new SessionTuple(quoted.protocol() == TupleKey.TCP ? SessionProtocol.TCP
                : SessionProtocol.UDP, new Endpoint(local, quoted.sourcePort()), new Endpoint(nat, 61000));

        byte[] relayed = error.towards(socket);
        PathMtuError copy = PathMtuError.parse(relayed);
        assertEquals(new TupleKey(local, nat, quoted.protocol(), quoted.sourcePort(), 61000), copy.quoted());
        int transport = (ipv6 ? V6_INNER + 40 : V4_INNER + 20);
        assertEquals(61000, ByteBuffer.wrap(relayed).getShort(transport + 2) & 0xffff);
        assertArrayEquals(Arrays.copyOfRange(original, transport, transport + 2),
                Arrays.copyOfRange(relayed, transport, transport + 2), "the quoted source port");
        assertArrayEquals(Arrays.copyOfRange(original, transport + 4, original.length),
                Arrays.copyOfRange(relayed, transport + 4, relayed.length), "the quote after the ports");
        if (!ipv6) {
            assertEquals(0, PathMtuError.checksum(ByteBuffer.wrap(relayed), V4_INNER, 20), "quoted header checksum");
        }
    }

    @Test
    void theRelayedCopyIsOnlyForTheQuotedSession() throws Exception {
        PathMtuError error = PathMtuError.parse(fixture(V4_UDP));
        InetAddress local = Addresses.parse("198.18.1.99");
        InetAddress remote = Addresses.parse("198.18.2.99");
        assertThrows(IllegalArgumentException.class, () -> error.towards(new SessionTuple(SessionProtocol.UDP,
                new Endpoint(local, 40001), new Endpoint(remote, 7000))));
        assertThrows(IllegalArgumentException.class, () -> error.towards(new SessionTuple(SessionProtocol.TCP,
                new Endpoint(local, 40000), new Endpoint(remote, 7000))));
        assertThrows(IllegalArgumentException.class, () -> error.towards(new SessionTuple(SessionProtocol.UDP,
                new Endpoint(Addresses.parse("2001:db8::1"), 40000), new Endpoint(Addresses.parse("2001:db8::2"),
                        7000))));
    }

    @Test
    void refusesDamagedIpv4Errors() {
        byte[] good = fixture(V4_TCP);
        assertEquals(Reason.TRUNCATED, refusal(new byte[0]));
        assertEquals(Reason.TRUNCATED, refusal(Arrays.copyOf(good, 19)));
        assertEquals(Reason.TRUNCATED, refusal(Arrays.copyOf(good, good.length - 1)), "the end not captured");
        assertEquals(Reason.UNKNOWN_IP_VERSION, refusal(with(good, 0, 0x55)));
        assertEquals(Reason.BAD_IP_HEADER, refusal(with(good, 0, 0x44)));
        assertEquals(Reason.BAD_IP_HEADER, refusal(withShort(good, 2, 27)), "no room for the ICMP header");
        assertEquals(Reason.BAD_CHECKSUM, refusal(flipped(good, 10)), "IPv4 header checksum");
        assertEquals(Reason.BAD_CHECKSUM, refusal(flipped(good, good.length - 1)), "ICMP checksum");
        assertEquals(Reason.FRAGMENT, refusal(sealed(withShort(good, 6, 0x2000))), "more fragments");
        assertEquals(Reason.FRAGMENT, refusal(sealed(withShort(good, 6, 0x0001))), "a later fragment");
        assertEquals(Reason.NOT_PATH_MTU_ERROR, refusal(sealed(with(good, 9, 17))), "not ICMP");
        assertEquals(Reason.NOT_PATH_MTU_ERROR, refusal(sealed(with(good, 21, 3))), "port unreachable");
        assertEquals(Reason.NOT_PATH_MTU_ERROR, refusal(sealed(with(good, 20, 11))), "time exceeded");
        assertEquals(Reason.BAD_QUOTE, refusal(cut(good, V4_INNER + 27)), "no room for the ports");
        assertEquals(Reason.BAD_QUOTE, refusal(cut(good, V4_INNER + 19)), "no room for the quoted header");
        assertEquals(Reason.BAD_QUOTE, refusal(sealed(with(good, V4_INNER, 0x65))), "an IPv6 quote");
        assertEquals(Reason.BAD_QUOTE, refusal(sealed(with(good, V4_INNER, 0x44))), "quoted header length 16");
        assertEquals(Reason.BAD_QUOTE, refusal(cut(sealed(with(good, V4_INNER, 0x4f)), V4_INNER + 67)),
                "quoted options leave no room for the ports");
        assertEquals(Reason.FRAGMENT, refusal(sealed(withShort(good, V4_INNER + 6, 0x0010))), "a later fragment");
        assertEquals(Reason.UNSUPPORTED_QUOTE, refusal(sealed(with(good, V4_INNER + 9, 1))), "ICMP quoted");
        assertEquals(Reason.UNSUPPORTED_QUOTE, refusal(sealed(withShort(good, V4_INNER + 20, 0))), "port 0");
        assertEquals(Reason.UNSUPPORTED_QUOTE, refusal(sealed(withShort(good, V4_INNER + 22, 0))), "port 0");
    }

    @Test
    void refusesDamagedIpv6Errors() {
        byte[] good = fixture(V6_TCP);
        assertEquals(Reason.TRUNCATED, refusal(Arrays.copyOf(good, 39)));
        assertEquals(Reason.TRUNCATED, refusal(Arrays.copyOf(good, good.length - 1)));
        assertEquals(Reason.BAD_IP_HEADER, refusal(withShort(good, 4, 7)), "no room for the ICMPv6 header");
        assertEquals(Reason.BAD_CHECKSUM, refusal(flipped(good, good.length - 1)));
        assertEquals(Reason.BAD_CHECKSUM, refusal(flipped(good, 8)), "the pseudo-header's source");
        assertEquals(Reason.NOT_PATH_MTU_ERROR, refusal(sealed(with(good, 6, 0))), "behind an extension header");
        assertEquals(Reason.NOT_PATH_MTU_ERROR, refusal(sealed(with(good, 40, 1))), "destination unreachable");
        assertEquals(Reason.BAD_IP_HEADER, refusal(sealed(mapped(good, 8))), "an IPv4-mapped reporter");
        assertEquals(Reason.BAD_QUOTE, refusal(cut(good, V6_INNER + 47)), "no room for the ports");
        assertEquals(Reason.BAD_QUOTE, refusal(sealed(with(good, V6_INNER, 0x45))), "an IPv4 quote");
        assertEquals(Reason.BAD_QUOTE, refusal(sealed(mapped(good, V6_INNER + 8))), "an IPv4-mapped source");
        assertEquals(Reason.UNSUPPORTED_QUOTE, refusal(sealed(with(good, V6_INNER + 6, 0))),
                "a quoted extension header");
        assertEquals(Reason.UNSUPPORTED_QUOTE, refusal(sealed(withShort(good, V6_INNER + 40, 0))), "port 0");
    }

    private static Reason refusal(byte[] packet) {
        return assertThrows(PathMtuErrorException.class, () -> PathMtuError.parse(packet)).reason();
    }

    private static byte[] with(byte[] packet, int offset, int value) {
        byte[] copy = packet.clone();
        copy[offset] = (byte) value;
        return copy;
    }

    private static byte[] withShort(byte[] packet, int offset, int value) {
        byte[] copy = packet.clone();
        ByteBuffer.wrap(copy).putShort(offset, (short) value);
        return copy;
    }

    private static byte[] flipped(byte[] packet, int offset) {
        return with(packet, offset, packet[offset] ^ 0x01);
    }

    /** The 16 bytes at {@code offset} made the IPv4-mapped ::ffff:198.18.1.254. */
    private static byte[] mapped(byte[] packet, int offset) {
        byte[] copy = packet.clone();
        byte[] address = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, (byte) 0xff, (byte) 0xff, (byte) 198, 18, 1, (byte) 254};
        System.arraycopy(address, 0, copy, offset, 16);
        return copy;
    }

    /** The packet ending after {@code length} bytes, its length field saying so, checksums right. */
    private static byte[] cut(byte[] packet, int length) {
        byte[] copy = Arrays.copyOf(packet, length);
        boolean ipv6 = (packet[0] & 0xf0) == 0x60;
        ByteBuffer.wrap(copy).putShort(ipv6 ? 4 : 2, (short) (ipv6 ? length - 40 : length));
        return sealed(copy);
    }

    /** The IPv4 header checksum and the ICMP (ICMPv6) checksum made right for the packet as it is now. */
    private static byte[] sealed(byte[] packet) {
        ByteBuffer bytes = ByteBuffer.wrap(packet);
        boolean ipv6 = (packet[0] & 0xf0) == 0x60;
        int icmp = ipv6 ? 40 : (packet[0] & 0x0f) * 4;
        int source = ipv6 ? 8 : 12;
        int addressLength = ipv6 ? 16 : 4;
        if (!ipv6) {
            bytes.putShort(10, (short) 0).putShort(10, (short) PathMtuError.checksum(bytes, 0, icmp));
        }
        IcmpChecksum.rewrite(bytes, icmp, packet.length - icmp, address(packet, source, addressLength),
                address(packet, source + addressLength, addressLength));
        return packet;
    }

    private static SacipAddress address(byte[] packet, int offset, int length) {
        return SacipAddress.of(length == 4 ? AddressFamily.IPV4 : AddressFamily.IPV6,
                Arrays.copyOfRange(packet, offset, offset + length));
    }
}
