package org.sacip.agent.datapath;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import org.sacip.agent.datapath.PathMtuErrorException.Reason;
import org.sacip.netlink.nftables.TupleKey;
import org.sacip.protocol.codec.IcmpChecksum;
import org.sacip.protocol.message.SacipAddress;

/**
 * The parsing behind {@link PathMtuError#parse}. Every length is checked against what the packet states and what
 * was captured; the outer IPv4 header checksum and the ICMP (ICMPv6, with its pseudo-header) checksum must add up,
 * so the whole message must have been captured. The quote needs its IP header and the first 8 bytes after it (the
 * ports, and TCP's sequence number the stack checks); its own checksums are not checked, as the kernel does not.
 */
final class PathMtuErrorParser {
    private static final int IPV4_MIN_HEADER = 20;
    private static final int IPV6_HEADER = 40;
    private static final int QUOTED_TRANSPORT = 8;
    private static final int ICMP_DESTINATION_UNREACHABLE = 3;
    private static final int ICMP_FRAGMENTATION_NEEDED = 4;
    private static final int ICMPV6_PACKET_TOO_BIG = 2;

    private PathMtuErrorParser() {
    }

    static PathMtuError parse(byte[] captured) throws PathMtuErrorException {
        if (captured.length == 0) {
            throw new PathMtuErrorException(Reason.TRUNCATED, "no bytes captured");
        }
        int version = (captured[0] & 0xff) >>> 4;
        return switch (version) {
            case 4 -> ipv4(captured);
            case 6 -> ipv6(captured);
            default -> throw new PathMtuErrorException(Reason.UNKNOWN_IP_VERSION, "IP version " + version);
        };
    }

    private static PathMtuError ipv4(byte[] captured) throws PathMtuErrorException {
        if (captured.length < IPV4_MIN_HEADER) {
            throw new PathMtuErrorException(Reason.TRUNCATED, "IPv4 header needs 20 bytes, " + captured.length
                    + " were captured");
        }
        int headerLength = (captured[0] & 0x0f) * 4;
        int totalLength = PathMtuError.u16(captured, 2);
        if (headerLength < IPV4_MIN_HEADER || totalLength < headerLength + PathMtuError.ICMP_HEADER) {
            throw new PathMtuErrorException(Reason.BAD_IP_HEADER, "IPv4 header length " + headerLength
                    + " with total length " + totalLength);
        }
        requireWhole(captured, totalLength);
        byte[] packet = Arrays.copyOf(captured, totalLength);
        ByteBuffer bytes = ByteBuffer.wrap(packet);
        if (PathMtuError.checksum(bytes, 0, headerLength) != 0) {
            throw new PathMtuErrorException(Reason.BAD_CHECKSUM, "IPv4 header checksum");
        }
        if ((PathMtuError.u16(packet, 6) & 0x3fff) != 0) {
            throw new PathMtuErrorException(Reason.FRAGMENT, "the error is an IPv4 fragment");
        }
        int icmp = headerLength;
        if ((packet[9] & 0xff) != PathMtuError.PROTOCOL_ICMP || (packet[icmp] & 0xff) != ICMP_DESTINATION_UNREACHABLE
                || (packet[icmp + 1] & 0xff) != ICMP_FRAGMENTATION_NEEDED) {
            throw new PathMtuErrorException(Reason.NOT_PATH_MTU_ERROR, "IP protocol " + (packet[9] & 0xff)
                    + ", ICMP type " + (packet[icmp] & 0xff) + " code " + (packet[icmp + 1] & 0xff));
        }
        InetAddress reporter = address(packet, 12, 4, Reason.BAD_IP_HEADER);
        InetAddress destination = address(packet, 16, 4, Reason.BAD_IP_HEADER);
        requireChecksum(bytes, icmp, totalLength - icmp, reporter, destination);
        int mtu = PathMtuError.u16(packet, icmp + 6);
        return new PathMtuError(reporter, destination, mtu, quotedIpv4(packet, icmp + PathMtuError.ICMP_HEADER),
                packet);
    }

    private static TupleKey quotedIpv4(byte[] packet, int inner) throws PathMtuErrorException {
        int quoteLength = packet.length - inner;
        if (quoteLength < IPV4_MIN_HEADER || (packet[inner] & 0xf0) != 0x40) {
            throw new PathMtuErrorException(Reason.BAD_QUOTE, "no IPv4 header in a quote of " + quoteLength
                    + " bytes");
        }
        int headerLength = (packet[inner] & 0x0f) * 4;
        if (headerLength < IPV4_MIN_HEADER || quoteLength < headerLength + QUOTED_TRANSPORT) {
            throw new PathMtuErrorException(Reason.BAD_QUOTE, "quoted IPv4 header of " + headerLength
                    + " bytes and its ports need more than the quote's " + quoteLength);
        }
        if ((PathMtuError.u16(packet, inner + 6) & 0x1fff) != 0) {
            throw new PathMtuErrorException(Reason.FRAGMENT, "the quote is a later IPv4 fragment");
        }
        return quotedTuple(packet, inner + 12, inner + 16, 4, packet[inner + 9] & 0xff, inner + headerLength);
    }

    private static PathMtuError ipv6(byte[] captured) throws PathMtuErrorException {
        if (captured.length < IPV6_HEADER) {
            throw new PathMtuErrorException(Reason.TRUNCATED, "IPv6 header needs 40 bytes, " + captured.length
                    + " were captured");
        }
        int payloadLength = PathMtuError.u16(captured, 4);
        if (payloadLength < PathMtuError.ICMP_HEADER) {
            throw new PathMtuErrorException(Reason.BAD_IP_HEADER, "IPv6 payload length " + payloadLength);
        }
        int totalLength = IPV6_HEADER + payloadLength;
        requireWhole(captured, totalLength);
        byte[] packet = Arrays.copyOf(captured, totalLength);
        int icmp = IPV6_HEADER;
        if ((packet[6] & 0xff) != PathMtuError.NEXT_HEADER_ICMPV6 || (packet[icmp] & 0xff) != ICMPV6_PACKET_TOO_BIG) {
            throw new PathMtuErrorException(Reason.NOT_PATH_MTU_ERROR, "next header " + (packet[6] & 0xff)
                    + ", ICMPv6 type " + (packet[icmp] & 0xff));
        }
        InetAddress reporter = address(packet, 8, 16, Reason.BAD_IP_HEADER);
        InetAddress destination = address(packet, 24, 16, Reason.BAD_IP_HEADER);
        requireChecksum(ByteBuffer.wrap(packet), icmp, payloadLength, reporter, destination);
        long mtu = Integer.toUnsignedLong(ByteBuffer.wrap(packet).getInt(icmp + 4));
        return new PathMtuError(reporter, destination, mtu, quotedIpv6(packet, icmp + PathMtuError.ICMP_HEADER),
                packet);
    }

    private static TupleKey quotedIpv6(byte[] packet, int inner) throws PathMtuErrorException {
        int quoteLength = packet.length - inner;
        if (quoteLength < IPV6_HEADER + QUOTED_TRANSPORT || (packet[inner] & 0xf0) != 0x60) {
            throw new PathMtuErrorException(Reason.BAD_QUOTE, "no IPv6 header and ports in a quote of "
                    + quoteLength + " bytes");
        }
        // Extension headers are not walked: the sessions' own packets carry none.
        return quotedTuple(packet, inner + 8, inner + 24, 16, packet[inner + 6] & 0xff, inner + IPV6_HEADER);
    }

    private static TupleKey quotedTuple(byte[] packet, int source, int destination, int addressLength, int protocol,
            int transport) throws PathMtuErrorException {
        if (protocol != TupleKey.TCP && protocol != TupleKey.UDP) {
            throw new PathMtuErrorException(Reason.UNSUPPORTED_QUOTE, "quoted IP protocol " + protocol);
        }
        int sourcePort = PathMtuError.u16(packet, transport);
        int destinationPort = PathMtuError.u16(packet, transport + 2);
        if (sourcePort == 0 || destinationPort == 0) {
            throw new PathMtuErrorException(Reason.UNSUPPORTED_QUOTE, "quoted port 0");
        }
        return new TupleKey(address(packet, source, addressLength, Reason.BAD_QUOTE),
                address(packet, destination, addressLength, Reason.BAD_QUOTE), protocol, sourcePort,
                destinationPort);
    }

    private static void requireWhole(byte[] captured, int totalLength) throws PathMtuErrorException {
        if (captured.length < totalLength) {
            throw new PathMtuErrorException(Reason.TRUNCATED, "the packet is " + totalLength + " bytes long, "
                    + captured.length + " were captured");
        }
    }

    private static void requireChecksum(ByteBuffer bytes, int icmp, int length, InetAddress source,
            InetAddress destination) throws PathMtuErrorException {
        if (IcmpChecksum.compute(bytes, icmp, length, SacipAddress.of(source), SacipAddress.of(destination)) != 0) {
            throw new PathMtuErrorException(Reason.BAD_CHECKSUM, "ICMP checksum");
        }
    }

    /** An address of the packet's version; an IPv4-mapped IPv6 address (no such packet is ours) is refused. */
    private static InetAddress address(byte[] packet, int offset, int length, Reason bad)
            throws PathMtuErrorException {
        InetAddress address;
        try {
            address = InetAddress.getByAddress(Arrays.copyOfRange(packet, offset, offset + length));
        } catch (UnknownHostException e) {
            throw new IllegalStateException("address of " + length + " bytes", e);
        }
        if (length == 16 && !(address instanceof Inet6Address)) {
            throw new PathMtuErrorException(bad, "IPv4-mapped address " + address.getHostAddress());
        }
        return address;
    }
}
