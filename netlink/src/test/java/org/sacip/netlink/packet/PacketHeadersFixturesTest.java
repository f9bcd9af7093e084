package org.sacip.netlink.packet;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.EnumSet;
import org.junit.jupiter.api.Test;
import org.sacip.netlink.fixtures.KernelFixtures;
import org.sacip.netlink.nflog.LoggedPacketParser;
import org.sacip.netlink.packet.PacketParseException.Reason;

/**
 * The packet-header parser on packets the kernel logged (the payloads of the nflog fixtures, captured from Linux
 * 6.18 by CaptureNflogFixtures), and on copies of them damaged one field at a time.
 */
class PacketHeadersFixturesTest {

    private static byte[] packet(String fixture) throws Exception {
        return LoggedPacketParser.parse(KernelFixtures.message(fixture)).payload();
    }

    private static Reason refusal(byte[] packet) {
        return assertThrows(PacketParseException.class, () -> PacketHeaders.parse(packet)).reason();
    }

    /** Sets a 16-bit field and, for IPv4, recomputes the header checksum so only the field is wrong. */
    private static byte[] withShort(byte[] packet, int offset, int value) {
        byte[] copy = packet.clone();
        ByteBuffer.wrap(copy).putShort(offset, (short) value);
        return fixChecksum(copy);
    }

    private static byte[] withByte(byte[] packet, int offset, int value) {
        byte[] copy = packet.clone();
        copy[offset] = (byte) value;
        return fixChecksum(copy);
    }

    private static byte[] fixChecksum(byte[] packet) {
        if ((packet[0] & 0xf0) != 0x40 || (packet[0] & 0x0f) < 5) {
            return packet;
        }
        ByteBuffer bytes = ByteBuffer.wrap(packet);
        int length = Math.min((packet[0] & 0x0f) * 4, packet.length);
        bytes.putShort(10, (short) 0);
        int sum = 0;
        for (int offset = 0; offset + 1 < length; offset += 2) {
            sum += Short.toUnsignedInt(bytes.getShort(offset));
        }
        while ((sum >>> 16) != 0) {
            sum = (sum & 0xffff) + (sum >>> 16);
        }
        bytes.putShort(10, (short) ~sum);
        return packet;
    }

    @Test
    void ipv4SynAck() throws Exception {
        PacketHeaders headers = PacketHeaders.parse(packet("nflog-tcp-synack-ipv4-input"));
        assertEquals(new IpHeader(4, InetAddress.getByName("198.18.0.2"), InetAddress.getByName("198.18.0.1"), 6, 20,
                60, 64, false), headers.ip());
        assertEquals(new TcpHeader(5000, 45415, 4234846949L, 3795964783L, EnumSet.of(TcpFlag.SYN, TcpFlag.ACK), 40,
                65160, 0), headers.transport());
    }

    @Test
    void ipv6SynAck() throws Exception {
        PacketHeaders headers = PacketHeaders.parse(packet("nflog-tcp-synack-ipv6-output"));
        assertEquals(new IpHeader(6, InetAddress.getByName("2001:db8::2"), InetAddress.getByName("2001:db8::1"), 6,
                40, 80, 64, false), headers.ip());
        assertEquals(new TcpHeader(5000, 51917, 3834137523L, 1266490799L, EnumSet.of(TcpFlag.SYN, TcpFlag.ACK), 40,
                64260, 0), headers.transport());
    }

    @Test
    void ipv4OptionsAreSkipped() throws Exception {
        PacketHeaders headers = PacketHeaders.parse(packet("nflog-udp-ipv4-options"));
        assertEquals(32, headers.ip().headerLength());
        assertEquals(50, headers.ip().totalLength());
        assertEquals(new UdpHeader(40001, 7001, 18, "ip options".getBytes(StandardCharsets.US_ASCII), false),
                headers.transport());
    }

    @Test
    void ipv6ExtensionHeadersAreSkipped() throws Exception {
        PacketHeaders headers = PacketHeaders.parse(packet("nflog-udp-ipv6-extension-headers"));
        assertEquals(17, headers.ip().protocol());
        assertEquals(56, headers.ip().headerLength(), "40 + hop-by-hop 8 + destination options 8");
        assertEquals(new UdpHeader(40002, 7002, 25, "extension headers".getBytes(StandardCharsets.US_ASCII), false),
                headers.transport());
        // A routing header (same generic layout) instead of the destination options is skipped as well.
        assertEquals(56, PacketHeaders.parse(withByte(packet("nflog-udp-ipv6-extension-headers"), 40, 43)).ip()
                .headerLength());
    }

    @Test
    void plainIpv6Datagram() throws Exception {
        UdpHeader udp = (UdpHeader) PacketHeaders.parse(packet("nflog-udp-ipv6-mark-output")).transport();
        assertArrayEquals("marked".getBytes(StandardCharsets.US_ASCII), udp.payload());
        assertEquals(40000, udp.sourcePort());
        assertEquals(7000, udp.destinationPort());
    }

    @Test
    void aCaptureCutInsideTheHeadersIsTruncatedAndInsideTheUdpPayloadIsMarked() throws Exception {
        for (String fixture : new String[] {"nflog-udp-ipv4-options", "nflog-udp-ipv6-extension-headers",
                "nflog-tcp-synack-ipv4-input", "nflog-tcp-synack-ipv6-output"}) {
            byte[] whole = packet(fixture);
            PacketHeaders full = PacketHeaders.parse(whole);
            int headersEnd = full.ip().headerLength() + (full.transport() instanceof TcpHeader tcp
                    ? tcp.headerLength() : 8);
            for (int length = 0; length < whole.length; length++) {
                byte[] cut = Arrays.copyOf(whole, length);
                if (length < headersEnd) {
                    assertEquals(Reason.TRUNCATED, refusal(cut), fixture + " cut at " + length);
                } else {
                    UdpHeader udp = (UdpHeader) PacketHeaders.parse(cut).transport();
                    assertTrue(udp.truncated(), fixture + " cut at " + length);
                    assertEquals(length - headersEnd, udp.payload().length);
                }
            }
        }
    }

    @Test
    void bytesCapturedBeyondTheStatedLengthAreIgnored() throws Exception {
        byte[] padded = Arrays.copyOf(packet("nflog-udp-ipv4-options"), 64);
        UdpHeader udp = (UdpHeader) PacketHeaders.parse(padded).transport();
        assertArrayEquals("ip options".getBytes(StandardCharsets.US_ASCII), udp.payload());
        assertFalse(udp.truncated());
    }

    @Test
    void damagedIpv4HeadersAreRefusedByReason() throws Exception {
        byte[] options = packet("nflog-udp-ipv4-options");
        assertEquals(Reason.UNKNOWN_IP_VERSION, refusal(withByte(options, 0, 0x58)));
        assertEquals(Reason.BAD_HEADER_LENGTH, refusal(withByte(options, 0, 0x44)));
        byte[] badChecksum = options.clone();
        badChecksum[11] ^= 1;
        assertEquals(Reason.BAD_HEADER_CHECKSUM, refusal(badChecksum));
        assertEquals(Reason.BAD_TOTAL_LENGTH, refusal(withShort(options, 2, 30)));
        assertEquals(Reason.BAD_TOTAL_LENGTH, refusal(withShort(options, 2, 36)), "no room for the UDP header");
        assertEquals(Reason.BAD_IPV4_OPTION, refusal(withByte(options, 21, 0xff)));
        assertEquals(Reason.BAD_IPV4_OPTION, refusal(withByte(options, 21, 1)));
        assertEquals(Reason.FRAGMENT, refusal(withShort(options, 6, 0x0001)));
        assertEquals(Reason.UNSUPPORTED_PROTOCOL, refusal(withByte(options, 9, 1)));
    }

    @Test
    void aFirstFragmentGivesTheUdpBytesItHolds() throws Exception {
        // 20 + 12 option bytes + 8 UDP + 4 payload bytes, more fragments to follow.
        byte[] first = withShort(withShort(packet("nflog-udp-ipv4-options"), 6, 0x2000), 2, 44);
        PacketHeaders headers = PacketHeaders.parse(first);
        assertTrue(headers.ip().moreFragments());
        UdpHeader udp = (UdpHeader) headers.transport();
        assertEquals(18, udp.length());
        assertArrayEquals("ip o".getBytes(StandardCharsets.US_ASCII), udp.payload());
        assertTrue(udp.truncated());
    }

    @Test
    void damagedIpv6HeadersAreRefusedByReason() throws Exception {
        byte[] extensions = packet("nflog-udp-ipv6-extension-headers");
        // Chain: IPv6 (next 0) -> hop-by-hop at 40 (next 60) -> destination options at 48 (next 17) -> UDP at 56.
        assertEquals(Reason.FRAGMENT, refusal(withByte(extensions, 40, 44)));
        assertEquals(Reason.BAD_EXTENSION_HEADER, refusal(withByte(extensions, 40, 0)), "hop-by-hop twice");
        assertEquals(Reason.BAD_EXTENSION_HEADER, refusal(withByte(extensions, 49, 9)), "longer than the packet");
        assertEquals(Reason.UNSUPPORTED_PROTOCOL, refusal(withByte(extensions, 48, 58)));
        assertEquals(Reason.UNSUPPORTED_PROTOCOL, refusal(withByte(extensions, 48, 59)));
        assertEquals(Reason.BAD_TOTAL_LENGTH, refusal(withShort(extensions, 4, 16 + 4)));
    }

    @Test
    void damagedTransportHeadersAreRefusedByReason() throws Exception {
        byte[] synAck = packet("nflog-tcp-synack-ipv4-input");
        assertEquals(Reason.BAD_TCP_DATA_OFFSET, refusal(withByte(synAck, 32, 0x40 | (synAck[32] & 0x0f))));
        assertEquals(Reason.BAD_TCP_DATA_OFFSET, refusal(withByte(synAck, 32, 0xf0 | (synAck[32] & 0x0f))));
        byte[] udp = packet("nflog-udp-ipv6-mark-output");
        assertEquals(Reason.BAD_UDP_LENGTH, refusal(withShort(udp, 44, 7)));
        assertEquals(Reason.BAD_UDP_LENGTH, refusal(withShort(udp, 44, 15)));
        assertEquals(Reason.TRUNCATED, refusal(new byte[0]));
    }
}
