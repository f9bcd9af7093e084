package org.sacip.netlink.packet;

import java.nio.ByteBuffer;
import org.sacip.netlink.packet.PacketParseException.Reason;

/**
 * Where the network layer of a packet ends and what follows it, read strictly: IPv4 with its options checked (and its
 * header checksum), IPv6 with hop-by-hop, routing and destination-options headers skipped. {@code transportOffset}
 * is where the upper-layer header starts, {@code protocol} what it is. {@code moreFragments} marks a first fragment
 * whose transport payload continues in later ones; {@code routingHeader} says an IPv6 routing header names the
 * final destination (which the transport checksum covers instead of the header's). Shared by {@link PacketHeaders}
 * (which refuses every IPv6 fragment header) and {@link InnerPacket} (which reads the first fragment of IPv6 as it
 * does that of IPv4).
 */
record IpLayout(PacketBounds packet, int version, int transportOffset, int protocol, int hopLimit,
        boolean moreFragments, boolean routingHeader) {
    static final int IPV4_MIN_HEADER = 20;
    static final int IPV6_HEADER = 40;
    private static final int IPV6_HOP_BY_HOP = 0;
    private static final int IPV6_ROUTING = 43;
    private static final int IPV6_FRAGMENT = 44;
    private static final int IPV6_DESTINATION_OPTIONS = 60;
    private static final int IPV6_FRAGMENT_HEADER = 8;
    private static final int IPV4_OPTION_END = 0;
    private static final int IPV4_OPTION_NOP = 1;

    /**
     * Reads the IP header of the packet in {@code bytes} (index 0 on), of which {@code captured} bytes are there.
     * With {@code firstIpv6Fragments}, an IPv6 fragment header at offset 0 is skipped like the others; without, any
     * IPv6 fragment header is refused as {@link Reason#FRAGMENT}.
     */
    static IpLayout read(ByteBuffer bytes, int captured, boolean firstIpv6Fragments) throws PacketParseException {
        if (captured == 0) {
            throw new PacketParseException(Reason.TRUNCATED, "no bytes captured");
        }
        int version = Byte.toUnsignedInt(bytes.get(0)) >>> 4;
        return switch (version) {
            case 4 -> ipv4(bytes, captured);
            case 6 -> ipv6(bytes, captured, firstIpv6Fragments);
            default -> throw new PacketParseException(Reason.UNKNOWN_IP_VERSION, "IP version " + version);
        };
    }

    /** The packet's length as its IP header states it. */
    int end() {
        return packet.end();
    }

    private static IpLayout ipv4(ByteBuffer bytes, int captured) throws PacketParseException {
        if (captured < IPV4_MIN_HEADER) {
            throw new PacketParseException(Reason.TRUNCATED, "IPv4 header needs 20 bytes, " + captured
                    + " were captured");
        }
        PacketBounds header = new PacketBounds(bytes, Short.toUnsignedInt(bytes.getShort(2)), captured);
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
        return new IpLayout(header, 4, headerLength, header.u8(9), header.u8(8), (fragment & 0x2000) != 0, false);
    }

    private static void checkHeaderChecksum(ByteBuffer bytes, int headerLength) throws PacketParseException {
        if (Checksum.sum(bytes, 0, headerLength, 0) != 0xffff) {
            throw new PacketParseException(Reason.BAD_HEADER_CHECKSUM, "IPv4 header checksum 0x"
                    + Integer.toHexString(Short.toUnsignedInt(bytes.getShort(10))) + " does not match its header");
        }
    }

    /** Walks the options (type, length, value), so an option that claims more than the header is refused. */
    private static void checkOptions(PacketBounds header, int headerLength) throws PacketParseException {
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

    private static IpLayout ipv6(ByteBuffer bytes, int captured, boolean firstIpv6Fragments)
            throws PacketParseException {
        if (captured < IPV6_HEADER) {
            throw new PacketParseException(Reason.TRUNCATED, "IPv6 header needs 40 bytes, " + captured
                    + " were captured");
        }
        PacketBounds packet = new PacketBounds(bytes, IPV6_HEADER + Short.toUnsignedInt(bytes.getShort(4)),
                captured);
        int next = packet.u8(6);
        int offset = IPV6_HEADER;
        boolean first = true;
        boolean moreFragments = false;
        boolean routingHeader = false;
        while (next == IPV6_HOP_BY_HOP || next == IPV6_ROUTING || next == IPV6_DESTINATION_OPTIONS
                || next == IPV6_FRAGMENT) {
            if (next == IPV6_FRAGMENT) {
                if (!firstIpv6Fragments) {
                    throw new PacketParseException(Reason.FRAGMENT, "IPv6 fragment header at " + offset);
                }
                packet.require(offset, IPV6_FRAGMENT_HEADER, "IPv6 fragment header", Reason.BAD_EXTENSION_HEADER);
                int offsetAndFlags = packet.u16(offset + 2);
                if ((offsetAndFlags >>> 3) != 0) {
                    throw new PacketParseException(Reason.FRAGMENT, "IPv6 fragment at offset "
                            + (offsetAndFlags >>> 3) * 8);
                }
                moreFragments = (offsetAndFlags & 1) != 0;
                next = packet.u8(offset);
                offset += IPV6_FRAGMENT_HEADER;
                first = false;
                continue;
            }
            if (next == IPV6_HOP_BY_HOP && !first) {
                throw new PacketParseException(Reason.BAD_EXTENSION_HEADER,
                        "hop-by-hop options header at " + offset + " does not follow the IPv6 header");
            }
            packet.require(offset, 2, "IPv6 extension header " + next, Reason.BAD_EXTENSION_HEADER);
            int length = (packet.u8(offset + 1) + 1) * 8;
            packet.require(offset, length, "IPv6 extension header " + next, Reason.BAD_EXTENSION_HEADER);
            routingHeader |= next == IPV6_ROUTING;
            next = packet.u8(offset);
            offset += length;
            first = false;
        }
        return new IpLayout(packet, 6, offset, next, packet.u8(7), moreFragments, routingHeader);
    }
}
