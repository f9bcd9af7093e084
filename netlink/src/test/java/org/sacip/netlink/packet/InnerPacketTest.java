package org.sacip.netlink.packet;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Random;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.sacip.netlink.packet.PacketParseException.Reason;
import org.sacip.netlink.testing.IpPackets;

/**
 * Reading and rewriting packets in place: every rewrite is checked against checksums recomputed from scratch over
 * the whole packet (IpPackets sums every byte again). The fixtures were built with Python's struct module, their
 * checksums computed there, so two independent sums agree before any rewrite.
 */
class InnerPacketTest {
    /** 198.18.0.1:40001 > 198.18.0.2:5000, ACK|PSH, MSS/NOP/window-scale options, 11 payload bytes (odd). */
    private static final String TCP4 = "4500003b1c4640004006924fc6120001c61200029c411388123456789abcdef07018faf0da06"
            + "0000020405b4010303076f6464207061796c6f6164";
    /** 198.18.0.1:40002 > 198.18.0.2:4253, 22 payload bytes. */
    private static final String UDP4 = "450000321c4640004011924dc6120001c61200029c42109d001e426d68656c6c6f207468726f"
            + "75676820746865204e415421";
    /** As UDP4 from port 40003, without a checksum (0). */
    private static final String UDP4_NO_CHECKSUM = "450000321c4640004011924dc6120001c61200029c43109d001e000068656c6c"
            + "6f207468726f75676820746865204e415421";
    /** [2001:db8::1]:40004 > [2001:db8::2]:5000, as TCP4. */
    private static final String TCP6 = "600123450027064020010db800000000000000000000000120010db800000000000000000000"
            + "00029c441388123456789abcdef07018faf00ab70000020405b4010303076f6464207061796c6f6164";
    /** [2001:db8::1]:40005 > [2001:db8::2]:4253, as UDP4. */
    private static final String UDP6 = "60012345001e114020010db800000000000000000000000120010db800000000000000000000"
            + "00029c45109d001e731d68656c6c6f207468726f75676820746865204e415421";

    private static byte[] hex(String text) {
        return HexFormat.of().parseHex(text);
    }

    private static InetAddress ip(String text) throws Exception {
        return InetAddress.getByName(text);
    }

    private static InnerPacket parse(byte[] packet) throws PacketParseException {
        return InnerPacket.parse(ByteBuffer.wrap(packet));
    }

    private static Reason refusal(byte[] packet) {
        return assertThrows(PacketParseException.class, () -> parse(packet)).reason();
    }

    private static int u16(byte[] packet, int offset) {
        return Short.toUnsignedInt(ByteBuffer.wrap(packet).getShort(offset));
    }

    @ParameterizedTest
    @ValueSource(strings = {TCP4, UDP4, UDP4_NO_CHECKSUM, TCP6, UDP6})
    void fixturesCarryRightChecksums(String fixture) {
        assertArrayEquals(hex(fixture), IpPackets.refreshChecksums(hex(fixture)));
    }

    @Test
    void ipv4TcpTupleIsReadAndEveryFieldRewritten() throws Exception {
        byte[] packet = hex(TCP4);
        InnerPacket inner = parse(packet);
        assertEquals(new PacketTuple(6, ip("198.18.0.1"), 40001, ip("198.18.0.2"), 5000), inner.tuple());
        assertEquals(4, inner.ipVersion());
        assertTrue(inner.isTcp());
        assertEquals(59, inner.length());
        assertFalse(inner.moreFragments());

        inner.setSourceAddress(ip("203.0.113.7"));
        inner.setSourcePort(61000);
        inner.setDestinationAddress(ip("198.19.255.254"));
        inner.setDestinationPort(443);
        assertEquals(new PacketTuple(6, ip("203.0.113.7"), 61000, ip("198.19.255.254"), 443), inner.tuple());
        assertArrayEquals(IpPackets.refreshChecksums(packet), packet);
        assertTrue(u16(packet, 10) != u16(hex(TCP4), 10), "the header checksum changed");
        assertTrue(u16(packet, 36) != u16(hex(TCP4), 36), "the TCP checksum changed");
        assertArrayEquals(Arrays.copyOfRange(hex(TCP4), 38, 59), Arrays.copyOfRange(packet, 38, 59),
                "sequence numbers, options and payload stay");
    }

    @Test
    void ipv4UdpRewriteFixesBothChecksums() throws Exception {
        byte[] packet = hex(UDP4);
        InnerPacket inner = parse(packet);
        assertEquals(new PacketTuple(17, ip("198.18.0.1"), 40002, ip("198.18.0.2"), 4253), inner.tuple());
        inner.setSourceAddress(ip("198.18.9.9"));
        assertArrayEquals(IpPackets.refreshChecksums(packet), packet);
        inner.setDestinationPort(53);
        assertArrayEquals(IpPackets.refreshChecksums(packet), packet);
        inner.setDestinationAddress(ip("198.18.0.200"));
        inner.setSourcePort(1);
        assertArrayEquals(IpPackets.refreshChecksums(packet), packet);
        assertEquals("InnerPacket[IPv4 UDP 198.18.9.9:1 > 198.18.0.200:53, 50 bytes]", inner.toString());
    }

    @Test
    void ipv4UdpWithoutChecksumKeepsNone() throws Exception {
        byte[] packet = hex(UDP4_NO_CHECKSUM);
        InnerPacket inner = parse(packet);
        inner.setSourceAddress(ip("198.18.7.7"));
        inner.setDestinationPort(9999);
        assertEquals(0, u16(packet, 26), "no checksum stays no checksum");
        assertArrayEquals(IpPackets.refreshChecksums(packet), packet, "the header checksum is right");
        assertEquals(9999, parse(packet).destinationPort());
    }

    @Test
    void ipv6TcpAndUdpRewrites() throws Exception {
        for (String fixture : new String[] {TCP6, UDP6}) {
            byte[] packet = hex(fixture);
            InnerPacket inner = parse(packet);
            assertEquals(6, inner.ipVersion());
            assertEquals(ip("2001:db8::1"), inner.sourceAddress());
            assertEquals(ip("2001:db8::2"), inner.destinationAddress());
            inner.setSourceAddress(ip("2001:db8:ffff::1234:5678"));
            inner.setDestinationAddress(ip("2001:db8:1::2"));
            inner.setSourcePort(65535);
            inner.setDestinationPort(0);
            assertEquals(new PacketTuple(fixture.equals(TCP6) ? 6 : 17, ip("2001:db8:ffff::1234:5678"), 65535,
                    ip("2001:db8:1::2"), 0), inner.tuple());
            assertArrayEquals(IpPackets.refreshChecksums(packet), packet, fixture);
        }
    }

    /** The one port that makes the sum come out 0: UDP writes that as 0xFFFF, TCP keeps 0. */
    @ParameterizedTest
    @ValueSource(strings = {UDP4, UDP6, TCP4, TCP6})
    void aChecksumThatComesToZeroTakesTheFormOfAFreshOne(String fixture) throws Exception {
        byte[] original = hex(fixture);
        int transport = (original[0] & 0xf0) == 0x40 ? 20 : 40;
        boolean udp = !fixture.equals(TCP4) && !fixture.equals(TCP6);
        int field = transport + (udp ? 6 : 16);
        int port = -1;
        for (int candidate = 0; candidate <= 65535 && port < 0; candidate++) {
            byte[] copy = original.clone();
            ByteBuffer.wrap(copy).putShort(transport, (short) candidate);
            int fresh = u16(IpPackets.refreshChecksums(copy), field);
            if (fresh == (udp ? 0xffff : 0)) {
                port = candidate;
            }
        }
        assertTrue(port >= 0, "some source port sums to zero");
        byte[] packet = original.clone();
        parse(packet).setSourcePort(port);
        assertEquals(udp ? 0xffff : 0, u16(packet, field));
        assertArrayEquals(IpPackets.refreshChecksums(packet), packet);
        // And back: from 0xFFFF (UDP) or 0 (TCP) to the original checksum.
        parse(packet).setSourcePort(u16(original, transport));
        assertArrayEquals(original, packet);
    }

    @Test
    void aPacketInsideALargerBufferIsRewrittenWhereItLies() throws Exception {
        byte[] packet = hex(UDP4);
        ByteBuffer buffer = ByteBuffer.allocate(packet.length + 20);
        buffer.position(7).put(packet).put(new byte[] {1, 2, 3});
        buffer.position(7).limit(7 + packet.length + 3);
        InnerPacket inner = InnerPacket.parse(buffer);
        assertEquals(50, inner.length(), "bytes past the stated length are not the packet's");
        inner.setDestinationAddress(ip("198.18.0.3"));
        assertEquals(7, buffer.position());
        assertEquals(7 + packet.length + 3, buffer.limit());
        byte[] rewritten = Arrays.copyOfRange(buffer.array(), 7, 7 + packet.length);
        assertEquals(ip("198.18.0.3"), parse(rewritten).destinationAddress());
        assertArrayEquals(IpPackets.refreshChecksums(rewritten), rewritten);
        assertArrayEquals(new byte[7], Arrays.copyOfRange(buffer.array(), 0, 7));
        assertArrayEquals(new byte[] {1, 2, 3}, Arrays.copyOfRange(buffer.array(), 57, 60));
        ByteBuffer direct = ByteBuffer.allocateDirect(packet.length).put(packet).flip();
        InnerPacket.parse(direct).setSourcePort(7);
        byte[] fromDirect = new byte[packet.length];
        direct.get(fromDirect);
        assertArrayEquals(IpPackets.refreshChecksums(fromDirect), fromDirect);
        assertEquals(7, parse(fromDirect).sourcePort());
    }

    @Test
    void anIpv4FirstFragmentIsRewrittenForTheWholeDatagram() throws Exception {
        byte[] payload = new byte[3000];
        new Random(4).nextBytes(payload);
        byte[] whole = IpPackets.udp(ip("198.18.0.1"), 40010, ip("198.18.0.2"), 4253, payload);
        // The first 1480 bytes of the IP payload, as a first fragment: MF set, total length 1500.
        byte[] fragment = Arrays.copyOf(whole, 1500);
        ByteBuffer.wrap(fragment).putShort(2, (short) 1500).putShort(6, (short) 0x2000);
        fragment = IpPackets.refreshHeaderChecksum(fragment);
        int udpChecksum = u16(whole, 26);
        assertEquals(udpChecksum, u16(fragment, 26), "only the IPv4 header checksum was refreshed");
        InnerPacket first = parse(fragment);
        assertTrue(first.moreFragments());
        assertEquals(new PacketTuple(17, ip("198.18.0.1"), 40010, ip("198.18.0.2"), 4253), first.tuple());

        UnaryOperator<InnerPacket> rewrite = inner -> {
            inner.setSourceAddress(address("198.18.5.5"));
            inner.setSourcePort(50000);
            return inner;
        };
        rewrite.apply(first);
        rewrite.apply(parse(whole));
        assertArrayEquals(IpPackets.refreshChecksums(whole), whole, "the whole datagram, rewritten, sums right");
        assertEquals(u16(whole, 26), u16(fragment, 26), "the fragment carries the whole datagram's new checksum");
        assertArrayEquals(Arrays.copyOf(whole, 20), fragmentHeaderAsWhole(fragment, whole),
                "the fragment's addresses were rewritten as the whole one's");
    }

    /** The fragment's IPv4 header with the whole datagram's total length and flags, checksum recomputed. */
    private static byte[] fragmentHeaderAsWhole(byte[] fragment, byte[] whole) {
        byte[] header = Arrays.copyOf(fragment, 20);
        ByteBuffer.wrap(header).putShort(2, ByteBuffer.wrap(whole).getShort(2)).putShort(6, (short) 0x4000);
        return IpPackets.refreshHeaderChecksum(header);
    }

    private static InetAddress address(String text) {
        try {
            return InetAddress.getByName(text);
        } catch (java.net.UnknownHostException e) {
            throw new IllegalArgumentException(e);
        }
    }

    @Test
    void anIpv6FirstFragmentIsReadPastItsFragmentHeader() throws Exception {
        byte[] payload = new byte[2000];
        new Random(6).nextBytes(payload);
        byte[] whole = IpPackets.udp(ip("2001:db8::1"), 40011, ip("2001:db8::2"), 4253, payload);
        // IPv6 header (next header 44), fragment header (UDP, offset 0, M), then 1232 bytes of the UDP datagram.
        ByteBuffer first = ByteBuffer.allocate(40 + 8 + 1232);
        first.put(whole, 0, 40).putShort(4, (short) (8 + 1232)).put(6, (byte) 44);
        first.put((byte) 17).put((byte) 0).putShort((short) 1).putInt(0x0badcafe).put(whole, 40, 1232);
        byte[] fragment = first.array();
        InnerPacket inner = parse(fragment);
        assertTrue(inner.moreFragments());
        assertEquals(new PacketTuple(17, ip("2001:db8::1"), 40011, ip("2001:db8::2"), 4253), inner.tuple());
        inner.setDestinationAddress(ip("2001:db8::99"));
        parse(whole).setDestinationAddress(ip("2001:db8::99"));
        assertArrayEquals(IpPackets.refreshChecksums(whole), whole);
        assertArrayEquals(Arrays.copyOfRange(whole, 40, 48), Arrays.copyOfRange(fragment, 48, 56),
                "the fragment's UDP header, checksum included, is the whole datagram's");

        ByteBuffer.wrap(fragment).putShort(42, (short) (1232 << 3));
        assertEquals(Reason.FRAGMENT, refusal(fragment), "a later fragment has no UDP header");
    }

    @Test
    void laterFragmentsAndOtherTransportsAreRefusedAsSuch() throws Exception {
        byte[] later = hex(UDP4);
        ByteBuffer.wrap(later).putShort(6, (short) 185);
        assertEquals(Reason.FRAGMENT, refusal(IpPackets.refreshHeaderChecksum(later)));
        byte[] icmp = IpPackets.ip(ip("198.18.0.1"), ip("198.18.0.2"), 1, new byte[] {8, 0, (byte) 0xf7, (byte) 0xff,
            0, 0, 0, 0});
        assertEquals(Reason.UNSUPPORTED_PROTOCOL, refusal(IpPackets.refreshHeaderChecksum(icmp)));
        byte[] icmp6 = IpPackets.ip(ip("2001:db8::1"), ip("2001:db8::2"), 58, new byte[8]);
        assertEquals(Reason.UNSUPPORTED_PROTOCOL, refusal(icmp6));
        // A type-4 routing header (segment routing) before UDP: the checksum would cover another destination.
        byte[] udp6 = hex(UDP6);
        ByteBuffer routed = ByteBuffer.allocate(udp6.length + 8);
        routed.put(udp6, 0, 40).putShort(4, (short) (30 + 8)).put(6, (byte) 43);
        routed.put((byte) 17).put((byte) 0).put((byte) 4).put((byte) 0).putInt(0).put(udp6, 40, 30);
        PacketParseException e = assertThrows(PacketParseException.class, () -> parse(routed.array()));
        assertEquals(Reason.UNSUPPORTED_PROTOCOL, e.reason());
        assertTrue(e.getMessage().contains("routing header"), e.getMessage());
    }

    @Test
    void malformedPacketsAreRefusedWithTheirReason() throws Exception {
        byte[] udp4 = hex(UDP4);
        byte[] tcp4 = hex(TCP4);
        byte[] udp6 = hex(UDP6);
        assertEquals(Reason.TRUNCATED, refusal(new byte[0]));
        assertEquals(Reason.TRUNCATED, refusal(Arrays.copyOf(udp4, 19)), "no whole IPv4 header");
        assertEquals(Reason.TRUNCATED, refusal(Arrays.copyOf(udp6, 39)), "no whole IPv6 header");
        assertEquals(Reason.TRUNCATED, refusal(Arrays.copyOf(udp4, 49)), "total length beyond the buffer");
        assertEquals(Reason.TRUNCATED, refusal(Arrays.copyOf(udp6, 69)), "payload length beyond the buffer");
        assertEquals(Reason.TRUNCATED, refusal(Arrays.copyOf(tcp4, 30)), "cut inside the TCP header");
        assertEquals(Reason.UNKNOWN_IP_VERSION, refusal(with(udp4, 0, 0x55)));
        assertEquals(Reason.UNKNOWN_IP_VERSION, refusal(new byte[] {0}));
        assertEquals(Reason.BAD_HEADER_LENGTH, refusal(with(udp4, 0, 0x44)), "IHL of 4 words");
        assertEquals(Reason.BAD_TOTAL_LENGTH, refusal(with(udp4, 0, 0x4f)), "IHL of 60 bytes in 50");
        assertEquals(Reason.BAD_TOTAL_LENGTH, refusal(withShort(udp4, 2, 19)), "total length below the header");
        assertEquals(Reason.BAD_TOTAL_LENGTH, refusal(withShort(udp4, 2, 24)), "no room for the UDP header");
        assertEquals(Reason.BAD_TOTAL_LENGTH, refusal(withShort(tcp4, 2, 39)), "no room for the TCP header");
        byte[] badChecksum = udp4.clone();
        badChecksum[10] ^= 1;
        assertEquals(Reason.BAD_HEADER_CHECKSUM, refusal(badChecksum));
        assertEquals(Reason.BAD_TCP_DATA_OFFSET, refusal(with(tcp4, 32, 0x40)), "data offset of 4 words");
        assertEquals(Reason.BAD_TCP_DATA_OFFSET, refusal(with(tcp4, 32, 0xf0)), "60-byte header in 39 bytes");
        assertEquals(Reason.BAD_UDP_LENGTH, refusal(withShort(udp4, 24, 7)), "UDP length below its header");
        assertEquals(Reason.BAD_UDP_LENGTH, refusal(withShort(udp4, 24, 31)), "UDP length beyond the packet");
        byte[] options = IpPackets.ip(ip("198.18.0.1"), ip("198.18.0.2"), 17, new byte[4 + 8]);
        options[0] = 0x46;
        options[20] = (byte) 0x44;
        options[21] = 9;
        assertEquals(Reason.BAD_IPV4_OPTION, refusal(IpPackets.refreshHeaderChecksum(options)));
        byte[] extension = udp6.clone();
        extension[6] = 60;
        extension[41] = (byte) 200;
        assertEquals(Reason.BAD_EXTENSION_HEADER, refusal(extension), "an extension header past the packet");
    }

    /** Sets a byte and, for IPv4, recomputes the header checksum so only that field is wrong. */
    private static byte[] with(byte[] packet, int offset, int value) {
        byte[] copy = packet.clone();
        copy[offset] = (byte) value;
        return fixHeaderChecksum(copy);
    }

    private static byte[] withShort(byte[] packet, int offset, int value) {
        byte[] copy = packet.clone();
        ByteBuffer.wrap(copy).putShort(offset, (short) value);
        return fixHeaderChecksum(copy);
    }

    private static byte[] fixHeaderChecksum(byte[] packet) {
        int headerLength = (packet[0] & 0x0f) * 4;
        if ((packet[0] & 0xf0) != 0x40 || headerLength < 20 || headerLength > packet.length) {
            return packet;
        }
        byte[] header = IpPackets.refreshHeaderChecksum(Arrays.copyOf(packet, headerLength));
        byte[] fixed = packet.clone();
        fixed[10] = header[10];
        fixed[11] = header[11];
        return fixed;
    }

    @Test
    void addressesOfTheOtherVersionAndPortsOutOfRangeAreRefused() throws Exception {
        InnerPacket v4 = parse(hex(UDP4));
        InnerPacket v6 = parse(hex(TCP6));
        assertThrows(IllegalArgumentException.class, () -> v4.setSourceAddress(ip("2001:db8::1")));
        assertThrows(IllegalArgumentException.class, () -> v6.setDestinationAddress(ip("198.18.0.1")));
        assertThrows(IllegalArgumentException.class, () -> v4.setSourcePort(65536));
        assertThrows(IllegalArgumentException.class, () -> v6.setDestinationPort(-1));
    }

    /** Many packets and rewrites from a fixed seed, each compared with checksums summed afresh. */
    @Test
    void randomRewritesAlwaysAgreeWithFreshChecksums() throws Exception {
        Random random = new Random(1624);
        for (int round = 0; round < 3000; round++) {
            boolean v4 = random.nextBoolean();
            boolean tcp = random.nextBoolean();
            byte[] payload = new byte[random.nextInt(80)];
            random.nextBytes(payload);
            InetAddress source = randomAddress(random, v4);
            InetAddress destination = randomAddress(random, v4);
            int sourcePort = random.nextInt(65536);
            int destinationPort = random.nextInt(65536);
            byte[] packet = tcp ? IpPackets.tcp(source, sourcePort, destination, destinationPort, payload)
                    : IpPackets.udp(source, sourcePort, destination, destinationPort, payload);
            InnerPacket inner = parse(packet);
            int changes = random.nextInt(16);
            if ((changes & 1) != 0) {
                source = randomAddress(random, v4);
                inner.setSourceAddress(source);
            }
            if ((changes & 2) != 0) {
                sourcePort = random.nextInt(65536);
                inner.setSourcePort(sourcePort);
            }
            if ((changes & 4) != 0) {
                destination = randomAddress(random, v4);
                inner.setDestinationAddress(destination);
            }
            if ((changes & 8) != 0) {
                destinationPort = random.nextInt(65536);
                inner.setDestinationPort(destinationPort);
            }
            String what = "round " + round + ": " + inner;
            assertEquals(new PacketTuple(tcp ? 6 : 17, source, sourcePort, destination, destinationPort),
                    inner.tuple(), what);
            assertArrayEquals(IpPackets.refreshChecksums(packet), packet, what);
        }
    }

    private static InetAddress randomAddress(Random random, boolean v4) throws Exception {
        byte[] raw = new byte[v4 ? 4 : 16];
        random.nextBytes(raw);
        return InetAddress.getByAddress(raw);
    }
}
