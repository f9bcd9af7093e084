package org.sacip.netlink.testing;

import java.net.InetAddress;
import java.nio.ByteBuffer;

/**
 * Builds IPv4 and IPv6 packets carrying TCP or UDP with every checksum computed afresh, and recomputes the checksums
 * of a packet from scratch, independently of the code under test (it sums every byte again, RFC 1071).
 */
public final class IpPackets {
    public static final int TCP = 6;
    public static final int UDP = 17;

    private IpPackets() {
    }

    /** A UDP datagram from source:sourcePort to destination:destinationPort (both of one IP version). */
    public static byte[] udp(InetAddress source, int sourcePort, InetAddress destination, int destinationPort,
            byte[] payload) {
        ByteBuffer segment = ByteBuffer.allocate(8 + payload.length);
        segment.putShort((short) sourcePort).putShort((short) destinationPort).putShort((short) (8 + payload.length))
                .putShort((short) 0).put(payload);
        return refreshChecksums(ip(source, destination, UDP, segment.array()));
    }

    /** A TCP segment (ACK|PSH, no options) from source:sourcePort to destination:destinationPort. */
    public static byte[] tcp(InetAddress source, int sourcePort, InetAddress destination, int destinationPort,
            byte[] payload) {
        return tcp(source, sourcePort, destination, destinationPort, 0x01020304L, 0x05060708L, 0x18, payload);
    }

    /** A TCP segment without options with the given sequence and acknowledgement numbers and flags (0x10: ACK). */
    public static byte[] tcp(InetAddress source, int sourcePort, InetAddress destination, int destinationPort,
            long sequence, long acknowledgement, int flags, byte[] payload) {
        ByteBuffer segment = ByteBuffer.allocate(20 + payload.length);
        segment.putShort((short) sourcePort).putShort((short) destinationPort).putInt((int) sequence)
                .putInt((int) acknowledgement).putShort((short) (5 << 12 | flags)).putShort((short) 64240)
                .putShort((short) 0).putShort((short) 0).put(payload);
        return refreshChecksums(ip(source, destination, TCP, segment.array()));
    }

    /** An IP header (no options or extension headers, DF set for IPv4, hop limit 64) before {@code payload}. */
    public static byte[] ip(InetAddress source, InetAddress destination, int protocol, byte[] payload) {
        byte[] from = source.getAddress();
        byte[] to = destination.getAddress();
        if (from.length != to.length) {
            throw new IllegalArgumentException(source + " and " + destination + " are of different versions");
        }
        if (from.length == 4) {
            ByteBuffer packet = ByteBuffer.allocate(20 + payload.length);
            packet.put((byte) 0x45).put((byte) 0).putShort((short) (20 + payload.length)).putShort((short) 0x1c46)
                    .putShort((short) 0x4000).put((byte) 64).put((byte) protocol).putShort((short) 0).put(from)
                    .put(to).put(payload);
            return packet.array();
        }
        ByteBuffer packet = ByteBuffer.allocate(40 + payload.length);
        packet.putInt(0x60012345).putShort((short) payload.length).put((byte) protocol).put((byte) 64).put(from)
                .put(to).put(payload);
        return packet.array();
    }

    /**
     * A copy of a packet without IPv6 extension headers or IPv4 fragmentation, with its IPv4 header checksum and its
     * TCP or UDP checksum recomputed over everything (a UDP checksum of 0, "none", stays 0 over IPv4).
     */
    public static byte[] refreshChecksums(byte[] packet) {
        boolean v4 = (packet[0] & 0xf0) == 0x40;
        int transport = v4 ? (packet[0] & 0x0f) * 4 : 40;
        int protocol = Byte.toUnsignedInt(packet[v4 ? 9 : 6]);
        int end = v4 ? Short.toUnsignedInt(ByteBuffer.wrap(packet).getShort(2))
                : 40 + Short.toUnsignedInt(ByteBuffer.wrap(packet).getShort(4));
        return refreshChecksums(packet, transport, protocol, end);
    }

    /** As {@link #refreshChecksums(byte[])}, for a transport header at {@code transport} ending at {@code end}. */
    public static byte[] refreshChecksums(byte[] packet, int transport, int protocol, int end) {
        byte[] copy = packet.clone();
        ByteBuffer bytes = ByteBuffer.wrap(copy);
        boolean v4 = (copy[0] & 0xf0) == 0x40;
        if (v4) {
            bytes.putShort(10, (short) 0);
            bytes.putShort(10, (short) ~sum(copy, 0, transport, 0));
        }
        int field = transport + (protocol == TCP ? 16 : 6);
        if (protocol == UDP && v4 && bytes.getShort(field) == 0) {
            return copy;
        }
        bytes.putShort(field, (short) 0);
        int pseudo = v4 ? sum(copy, 12, 8, 0) : sum(copy, 8, 32, 0);
        int length = end - transport;
        pseudo += protocol + (length >>> 16) + (length & 0xffff);
        int checksum = ~sum(copy, transport, length, pseudo) & 0xffff;
        bytes.putShort(field, (short) (protocol == UDP && checksum == 0 ? 0xffff : checksum));
        return copy;
    }

    /** A copy of an IPv4 packet with only its header checksum recomputed (whatever follows the header). */
    public static byte[] refreshHeaderChecksum(byte[] packet) {
        byte[] copy = packet.clone();
        int headerLength = (copy[0] & 0x0f) * 4;
        ByteBuffer.wrap(copy).putShort(10, (short) 0).putShort(10, (short) ~sum(copy, 0, headerLength, 0));
        return copy;
    }

    /** The one's complement sum of the big-endian words at {@code offset} plus {@code initial}, folded. */
    private static int sum(byte[] bytes, int offset, int length, long initial) {
        long sum = initial;
        for (int i = 0; i < length; i += 2) {
            int high = Byte.toUnsignedInt(bytes[offset + i]) << 8;
            sum += i + 1 < length ? high | Byte.toUnsignedInt(bytes[offset + i + 1]) : high;
        }
        while ((sum >>> 16) != 0) {
            sum = (sum & 0xffff) + (sum >>> 16);
        }
        return (int) sum;
    }
}
