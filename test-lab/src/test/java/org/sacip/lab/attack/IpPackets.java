package org.sacip.lab.attack;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.nio.ByteBuffer;

/**
 * Whole IPv4 and IPv6 packets built by hand, for a raw socket that sends them as they are: the attacker chooses
 * every address, port and flag. Checksums (IPv4 header, ICMP/ICMPv6, UDP, TCP with their pseudo-headers) are
 * computed for the packet's own addresses, so a forged packet is well-formed unless a test breaks it on purpose.
 */
final class IpPackets {
    static final int ICMP = 1;
    static final int TCP = 6;
    static final int UDP = 17;
    static final int ICMPV6 = 58;
    static final int IPV4_HEADER = 20;
    static final int IPV6_HEADER = 40;
    private static final int HOP_LIMIT = 64;

    private IpPackets() {
    }

    /** An ICMP (IPv4) or ICMPv6 (IPv6) packet; the message's checksum is rewritten for these addresses. */
    static byte[] icmp(InetAddress source, InetAddress destination, byte[] message) {
        boolean v6 = requireSameFamily(source, destination);
        byte[] body = message.clone();
        body[2] = 0;
        body[3] = 0;
        int checksum = v6 ? checksum(pseudoHeader(source, destination, ICMPV6, body.length), body)
                : checksum(new byte[0], body);
        body[2] = (byte) (checksum >> 8);
        body[3] = (byte) checksum;
        return wrap(source, destination, v6 ? ICMPV6 : ICMP, body);
    }

    /** A UDP datagram from {@code sourcePort} to {@code destinationPort} carrying {@code payload}. */
    static byte[] udp(InetAddress source, int sourcePort, InetAddress destination, int destinationPort,
            byte[] payload) {
        requireSameFamily(source, destination);
        ByteBuffer udp = ByteBuffer.allocate(8 + payload.length);
        udp.putShort((short) sourcePort).putShort((short) destinationPort).putShort((short) (8 + payload.length))
                .putShort((short) 0).put(payload);
        byte[] body = udp.array();
        int checksum = checksum(pseudoHeader(source, destination, UDP, body.length), body);
        // 0 means "no checksum" in UDP over IPv4 and is forbidden over IPv6: a computed 0 is sent as all ones.
        checksum = checksum == 0 ? 0xffff : checksum;
        body[6] = (byte) (checksum >> 8);
        body[7] = (byte) checksum;
        return wrap(source, destination, UDP, body);
    }

    /** The TCP segment as one packet. */
    static byte[] tcp(TcpSegment segment) {
        InetAddress source = segment.source().getAddress();
        InetAddress destination = segment.destination().getAddress();
        requireSameFamily(source, destination);
        byte[] options = segment.options();
        int headerLength = 20 + options.length;
        if (options.length % 4 != 0 || headerLength > 60) {
            throw new IllegalArgumentException("TCP options must be a multiple of 4 octets, at most 40: "
                    + options.length);
        }
        ByteBuffer tcp = ByteBuffer.allocate(headerLength + segment.payload().length);
        tcp.putShort((short) segment.source().getPort()).putShort((short) segment.destination().getPort())
                .putInt((int) segment.sequence()).putInt((int) segment.acknowledgement())
                .put((byte) ((headerLength / 4) << 4)).put((byte) segment.flags())
                .putShort((short) segment.window()).putShort((short) 0).putShort((short) 0)
                .put(options).put(segment.payload());
        byte[] body = tcp.array();
        int checksum = checksum(pseudoHeader(source, destination, TCP, body.length), body);
        body[16] = (byte) (checksum >> 8);
        body[17] = (byte) checksum;
        return wrap(source, destination, TCP, body);
    }

    /** The IP header in front of an upper-layer body whose checksum is already in place. */
    static byte[] wrap(InetAddress source, InetAddress destination, int protocol, byte[] body) {
        if (requireSameFamily(source, destination)) {
            ByteBuffer packet = ByteBuffer.allocate(IPV6_HEADER + body.length);
            packet.putInt(0x60000000).putShort((short) body.length).put((byte) protocol).put((byte) HOP_LIMIT)
                    .put(source.getAddress()).put(destination.getAddress()).put(body);
            return packet.array();
        }
        ByteBuffer packet = ByteBuffer.allocate(IPV4_HEADER + body.length);
        // Don't-fragment set, as SACIP senders do; the kernel fills in an id of 0 for raw sockets.
        packet.put((byte) 0x45).put((byte) 0).putShort((short) (IPV4_HEADER + body.length)).putShort((short) 0)
                .putShort((short) 0x4000).put((byte) HOP_LIMIT).put((byte) protocol).putShort((short) 0)
                .put(source.getAddress()).put(destination.getAddress()).put(body);
        byte[] bytes = packet.array();
        int headerChecksum = checksum(new byte[0], java.util.Arrays.copyOf(bytes, IPV4_HEADER));
        bytes[10] = (byte) (headerChecksum >> 8);
        bytes[11] = (byte) headerChecksum;
        return bytes;
    }

    /** RFC 768/793 pseudo-header (IPv4) or RFC 8200 8.1 (IPv6) for an upper-layer length. */
    private static byte[] pseudoHeader(InetAddress source, InetAddress destination, int protocol, int length) {
        if (source instanceof Inet6Address) {
            return ByteBuffer.allocate(40).put(source.getAddress()).put(destination.getAddress()).putInt(length)
                    .put(new byte[3]).put((byte) protocol).array();
        }
        return ByteBuffer.allocate(12).put(source.getAddress()).put(destination.getAddress()).put((byte) 0)
                .put((byte) protocol).putShort((short) length).array();
    }

    /** The Internet checksum (RFC 1071) over the concatenation of the two arrays (the first has an even length). */
    static int checksum(byte[] prefix, byte[] data) {
        long sum = 0;
        for (byte[] part : new byte[][] {prefix, data}) {
            for (int i = 0; i + 1 < part.length; i += 2) {
                sum += ((part[i] & 0xff) << 8) | (part[i + 1] & 0xff);
            }
            if (part.length % 2 == 1) {
                sum += (part[part.length - 1] & 0xff) << 8;
            }
        }
        while (sum >> 16 != 0) {
            sum = (sum & 0xffff) + (sum >> 16);
        }
        return (int) (~sum & 0xffff);
    }

    /** True for IPv6; the two addresses must be of one family. */
    private static boolean requireSameFamily(InetAddress source, InetAddress destination) {
        boolean v6 = source instanceof Inet6Address;
        if (v6 != destination instanceof Inet6Address || !(v6 || source instanceof Inet4Address)) {
            throw new IllegalArgumentException("source " + source + " and destination " + destination
                    + " are not of one family");
        }
        return v6;
    }
}
