package org.sacip.netlink.packet;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import org.sacip.netlink.packet.PacketParseException.Reason;

/**
 * The parsing behind {@link PacketHeaders#parse}. Two limits apply to every header: the packet's own length (from
 * the IP header; a header beyond it is malformed) and the captured length (a header beyond it but within the
 * packet was cut by the copy range: {@link Reason#TRUNCATED}). Bytes captured past the packet's length are ignored.
 */
final class PacketHeaderParser {
    private static final int IPV4_MIN_HEADER = 20;
    private static final int IPV6_HEADER = 40;
    private static final int TCP_MIN_HEADER = 20;
    private static final int UDP_HEADER = 8;
    private static final int PROTOCOL_TCP = 6;
    private static final int PROTOCOL_UDP = 17;
    private static final int IPV6_HOP_BY_HOP = 0;
    private static final int IPV6_ROUTING = 43;
    private static final int IPV6_FRAGMENT = 44;
    private static final int IPV6_DESTINATION_OPTIONS = 60;
    private static final int IPV4_OPTION_END = 0;
    private static final int IPV4_OPTION_NOP = 1;

    private PacketHeaderParser() {
    }

    /** The packet's bytes with both limits: {@code end} (stated length) and {@code captured}. */
    private record Bounds(ByteBuffer bytes, int end, int captured) {
        void require(int offset, int length, String what, Reason malformed) throws PacketParseException {
            if (offset + length > end) {
                throw new PacketParseException(malformed, what + " needs bytes " + offset + ".." + (offset + length)
                        + " but the packet is " + end + " bytes long");
            }
            if (offset + length > captured) {
                throw new PacketParseException(Reason.TRUNCATED, what + " needs bytes " + offset + ".."
                        + (offset + length) + " but only " + captured + " were captured");
            }
        }

        int u8(int offset) {
            return Byte.toUnsignedInt(bytes.get(offset));
        }

        int u16(int offset) {
            return Short.toUnsignedInt(bytes.getShort(offset));
        }

        long u32(int offset) {
            return Integer.toUnsignedLong(bytes.getInt(offset));
        }
    }

    static PacketHeaders parse(byte[] packet) throws PacketParseException {
        if (packet.length == 0) {
            throw new PacketParseException(Reason.TRUNCATED, "no bytes captured");
        }
        int version = Byte.toUnsignedInt(packet[0]) >>> 4;
        ByteBuffer bytes = ByteBuffer.wrap(packet);
        return switch (version) {
            case 4 -> ipv4(bytes, packet.length);
            case 6 -> ipv6(bytes, packet.length);
            default -> throw new PacketParseException(Reason.UNKNOWN_IP_VERSION, "IP version " + version);
        };
    }

    private static PacketHeaders ipv4(ByteBuffer bytes, int captured) throws PacketParseException {
        if (captured < IPV4_MIN_HEADER) {
            throw new PacketParseException(Reason.TRUNCATED, "IPv4 header needs 20 bytes, " + captured
                    + " were captured");
        }
        Bounds header = new Bounds(bytes, Short.toUnsignedInt(bytes.getShort(2)), captured);
        int headerLength = (header.u8(0) & 0x0f) * 4;
        if (headerLength < IPV4_MIN_HEADER) {
            throw new PacketParseException(Reason.BAD_HEADER_LENGTH, "IPv4 header length " + headerLength);
        }
        header.require(0, headerLength, "IPv4 header with options", Reason.BAD_TOTAL_LENGTH);
        checkHeaderChecksum(bytes, headerLength);
        checkOptions(header, headerLength);
        int fragment = header.u16(6);
        int fragmentOffset = fragment & 0x1fff;
        if (fragmentOffset != 0) {
            throw new PacketParseException(Reason.FRAGMENT, "IPv4 fragment at offset " + fragmentOffset * 8);
        }
        boolean moreFragments = (fragment & 0x2000) != 0;
        int protocol = header.u8(9);
        IpHeader ip = new IpHeader(4, address(bytes, 12, 4), address(bytes, 16, 4), protocol, headerLength,
                header.end(), header.u8(8), moreFragments);
        return new PacketHeaders(ip, transport(header, headerLength, protocol, moreFragments));
    }

    private static void checkHeaderChecksum(ByteBuffer bytes, int headerLength) throws PacketParseException {
        int sum = 0;
        for (int offset = 0; offset < headerLength; offset += 2) {
            sum += Short.toUnsignedInt(bytes.getShort(offset));
        }
        while ((sum >>> 16) != 0) {
            sum = (sum & 0xffff) + (sum >>> 16);
        }
        if (sum != 0xffff) {
            throw new PacketParseException(Reason.BAD_HEADER_CHECKSUM, "IPv4 header checksum 0x"
                    + Integer.toHexString(Short.toUnsignedInt(bytes.getShort(10))) + " does not match its header");
        }
    }

    /** Walks the options (type, length, value), so an option that claims more than the header is refused. */
    private static void checkOptions(Bounds header, int headerLength) throws PacketParseException {
        int offset = IPV4_MIN_HEADER;
        while (offset < headerLength) {
            int type = header.u8(offset);
            if (type == IPV4_OPTION_END) {
                return;
            }
            if (type == IPV4_OPTION_NOP) {
                offset++;
                continue;
            }
            if (offset + 1 >= headerLength) {
                throw new PacketParseException(Reason.BAD_IPV4_OPTION, "option " + type + " at " + offset
                        + " has no length byte");
            }
            int length = header.u8(offset + 1);
            if (length < 2 || offset + length > headerLength) {
                throw new PacketParseException(Reason.BAD_IPV4_OPTION, "option " + type + " at " + offset
                        + " has length " + length + " in a " + headerLength + "-byte header");
            }
            offset += length;
        }
    }

    private static PacketHeaders ipv6(ByteBuffer bytes, int captured) throws PacketParseException {
        if (captured < IPV6_HEADER) {
            throw new PacketParseException(Reason.TRUNCATED, "IPv6 header needs 40 bytes, " + captured
                    + " were captured");
        }
        Bounds packet = new Bounds(bytes, IPV6_HEADER + Short.toUnsignedInt(bytes.getShort(4)), captured);
        int next = packet.u8(6);
        int offset = IPV6_HEADER;
        boolean first = true;
        while (next == IPV6_HOP_BY_HOP || next == IPV6_ROUTING || next == IPV6_DESTINATION_OPTIONS
                || next == IPV6_FRAGMENT) {
            if (next == IPV6_FRAGMENT) {
                throw new PacketParseException(Reason.FRAGMENT, "IPv6 fragment header at " + offset);
            }
            if (next == IPV6_HOP_BY_HOP && !first) {
                throw new PacketParseException(Reason.BAD_EXTENSION_HEADER,
                        "hop-by-hop options header at " + offset + " does not follow the IPv6 header");
            }
            packet.require(offset, 2, "IPv6 extension header " + next, Reason.BAD_EXTENSION_HEADER);
            int length = (packet.u8(offset + 1) + 1) * 8;
            packet.require(offset, length, "IPv6 extension header " + next, Reason.BAD_EXTENSION_HEADER);
            next = packet.u8(offset);
            offset += length;
            first = false;
        }
        IpHeader ip = new IpHeader(6, address(bytes, 8, 16), address(bytes, 24, 16), next, offset, packet.end(),
                packet.u8(7), false);
        return new PacketHeaders(ip, transport(packet, offset, next, false));
    }

    private static TransportHeader transport(Bounds packet, int offset, int protocol, boolean moreFragments)
            throws PacketParseException {
        return switch (protocol) {
            case PROTOCOL_TCP -> tcp(packet, offset);
            case PROTOCOL_UDP -> udp(packet, offset, moreFragments);
            default -> throw new PacketParseException(Reason.UNSUPPORTED_PROTOCOL, "IP protocol " + protocol);
        };
    }

    private static TcpHeader tcp(Bounds packet, int offset) throws PacketParseException {
        packet.require(offset, TCP_MIN_HEADER, "TCP header", Reason.BAD_TOTAL_LENGTH);
        int dataOffsetAndFlags = packet.u16(offset + 12);
        int headerLength = (dataOffsetAndFlags >>> 12) * 4;
        if (headerLength < TCP_MIN_HEADER) {
            throw new PacketParseException(Reason.BAD_TCP_DATA_OFFSET, "TCP data offset " + headerLength / 4);
        }
        packet.require(offset, headerLength, "TCP header with options", Reason.BAD_TCP_DATA_OFFSET);
        return new TcpHeader(packet.u16(offset), packet.u16(offset + 2), packet.u32(offset + 4),
                packet.u32(offset + 8), TcpFlag.of(dataOffsetAndFlags & 0x1ff), headerLength,
                packet.u16(offset + 14), packet.end() - offset - headerLength);
    }

    private static UdpHeader udp(Bounds packet, int offset, boolean moreFragments) throws PacketParseException {
        packet.require(offset, UDP_HEADER, "UDP header", Reason.BAD_TOTAL_LENGTH);
        int length = packet.u16(offset + 4);
        int available = packet.end() - offset;
        if (length < UDP_HEADER || (length > available && !moreFragments)) {
            throw new PacketParseException(Reason.BAD_UDP_LENGTH, "UDP length " + length + " with " + available
                    + " bytes of IP payload");
        }
        int payloadEnd = Math.min(offset + length, Math.min(packet.end(), packet.captured()));
        byte[] payload = Arrays.copyOfRange(packet.bytes().array(), offset + UDP_HEADER, payloadEnd);
        return new UdpHeader(packet.u16(offset), packet.u16(offset + 2), length, payload,
                payload.length < length - UDP_HEADER);
    }

    private static InetAddress address(ByteBuffer bytes, int offset, int length) {
        byte[] raw = new byte[length];
        bytes.get(offset, raw);
        try {
            return InetAddress.getByAddress(raw);
        } catch (UnknownHostException e) {
            throw new IllegalStateException("address of " + length + " bytes", e);
        }
    }
}
