package org.sacip.agent.datapath;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.OptionalInt;

/**
 * Whole IPv4 and IPv6 packets written byte by byte for a {@link RawSocket}, with correct checksums (a receiving
 * kernel checks them, conntrack too), and TCP segments read back from what a raw socket received.
 */
final class Packets {
    static final int FIN = 0x01;
    static final int SYN = 0x02;
    static final int RST = 0x04;
    static final int PSH = 0x08;
    static final int ACK = 0x10;

    private static final int TCP = 6;
    private static final int UDP = 17;
    private static final int ICMP = 1;
    private static final int ICMPV6 = 58;
    private static final int TTL = 64;

    private Packets() {
    }

    /** A TCP segment: ports, sequence and acknowledgement numbers, flags, window, options and payload. */
    record TcpSegment(int sourcePort, int destinationPort, long seq, long ack, int flags, int window,
            byte[] options, byte[] payload) {

        /** Reads a segment (the TCP header and what follows it, without the IP header). */
        static TcpSegment parse(byte[] tcp) {
            ByteBuffer in = ByteBuffer.wrap(tcp);
            int sourcePort = Short.toUnsignedInt(in.getShort(0));
            int destinationPort = Short.toUnsignedInt(in.getShort(2));
            long seq = Integer.toUnsignedLong(in.getInt(4));
            long ack = Integer.toUnsignedLong(in.getInt(8));
            int headerLength = ((tcp[12] & 0xff) >> 4) * 4;
            int flags = tcp[13] & 0x3f;
            int window = Short.toUnsignedInt(in.getShort(14));
            return new TcpSegment(sourcePort, destinationPort, seq, ack, flags, window,
                    Arrays.copyOfRange(tcp, 20, headerLength), Arrays.copyOfRange(tcp, headerLength, tcp.length));
        }

        TcpSegment withFlags(int newFlags) {
            return new TcpSegment(sourcePort, destinationPort, seq, ack, newFlags, window, options, payload);
        }

        TcpSegment withSeq(long newSeq) {
            return new TcpSegment(sourcePort, destinationPort, newSeq, ack, flags, window, options, payload);
        }

        TcpSegment withPayload(byte[] newPayload) {
            return new TcpSegment(sourcePort, destinationPort, seq, ack, flags, window, options, newPayload);
        }

        /**
         * The segment with its timestamp value (TCP option 8) moved on by {@code ticks}: a receiver's PAWS check
         * drops a segment whose timestamp is older than the last one it saw, whatever else is wrong with it.
         */
        TcpSegment withTimestampAhead(long ticks) {
            byte[] moved = options.clone();
            ByteBuffer view = ByteBuffer.wrap(moved);
            int i = 0;
            while (i < moved.length && moved[i] != 0) {
                if (moved[i] == 1) {
                    i++;
                    continue;
                }
                int length = moved[i + 1] & 0xff;
                if (moved[i] == 8 && length == 10) {
                    view.putInt(i + 2, (int) (Integer.toUnsignedLong(view.getInt(i + 2)) + ticks));
                }
                i += Math.max(length, 2);
            }
            return new TcpSegment(sourcePort, destinationPort, seq, ack, flags, window, moved, payload);
        }

        TcpSegment withoutOptions() {
            return new TcpSegment(sourcePort, destinationPort, seq, ack, flags, window, new byte[0], payload);
        }

        /** The segment's bytes with the checksum for these addresses. */
        byte[] encode(InetAddress source, InetAddress destination) {
            int headerLength = 20 + options.length;
            if (options.length % 4 != 0) {
                throw new IllegalArgumentException("TCP options must fill whole 32-bit words: " + options.length);
            }
            ByteBuffer out = ByteBuffer.allocate(headerLength + payload.length);
            out.putShort((short) sourcePort).putShort((short) destinationPort).putInt((int) seq).putInt((int) ack)
                    .put((byte) (headerLength / 4 << 4)).put((byte) flags).putShort((short) window)
                    .putShort((short) 0).putShort((short) 0).put(options).put(payload);
            byte[] bytes = out.array();
            setChecksum(bytes, 16, pseudoHeaderChecksum(source, destination, TCP, bytes));
            return bytes;
        }
    }

    /** A TCP packet from {@code source} to {@code destination}. */
    static byte[] tcp(InetAddress source, InetAddress destination, TcpSegment segment) {
        return ip(source, destination, TCP, segment.encode(source, destination));
    }

    /** A UDP datagram. */
    static byte[] udp(InetAddress source, InetAddress destination, int sourcePort, int destinationPort,
            byte[] payload) {
        ByteBuffer out = ByteBuffer.allocate(8 + payload.length);
        out.putShort((short) sourcePort).putShort((short) destinationPort).putShort((short) (8 + payload.length))
                .putShort((short) 0).put(payload);
        byte[] bytes = out.array();
        int checksum = pseudoHeaderChecksum(source, destination, UDP, bytes);
        setChecksum(bytes, 6, checksum == 0 ? 0xffff : checksum);
        return ip(source, destination, UDP, bytes);
    }

    /** An ICMP (ICMPv6 for IPv6 addresses) echo request. */
    static byte[] echoRequest(InetAddress source, InetAddress destination, int identifier, int sequence) {
        boolean ipv6 = destination instanceof Inet6Address;
        ByteBuffer out = ByteBuffer.allocate(16);
        out.put((byte) (ipv6 ? 128 : 8)).put((byte) 0).putShort((short) 0).putShort((short) identifier)
                .putShort((short) sequence).putLong(0x5341434950L);
        return icmp(source, destination, out.array());
    }

    /** The identifier of an ICMP (ICMPv6) echo reply, given without IP header; empty for any other message. */
    static OptionalInt echoReplyIdentifier(byte[] icmp, boolean ipv6) {
        if (icmp.length < 8 || (icmp[0] & 0xff) != (ipv6 ? 129 : 0)) {
            return OptionalInt.empty();
        }
        return OptionalInt.of(Short.toUnsignedInt(ByteBuffer.wrap(icmp).getShort(4)));
    }

    /**
     * "Fragmentation needed" (IPv4) or "packet too big" (IPv6) from {@code source} to {@code destination}, quoting
     * {@code quoted}: the packet that did not fit, as the sender of the error saw it.
     */
    static byte[] packetTooBig(InetAddress source, InetAddress destination, int mtu, byte[] quoted) {
        boolean ipv6 = destination instanceof Inet6Address;
        ByteBuffer out = ByteBuffer.allocate(8 + quoted.length);
        if (ipv6) {
            out.put((byte) 2).put((byte) 0).putShort((short) 0).putInt(mtu);
        } else {
            out.put((byte) 3).put((byte) 4).putShort((short) 0).putShort((short) 0).putShort((short) mtu);
        }
        out.put(quoted);
        return icmp(source, destination, out.array());
    }

    private static byte[] icmp(InetAddress source, InetAddress destination, byte[] message) {
        if (destination instanceof Inet6Address) {
            setChecksum(message, 2, pseudoHeaderChecksum(source, destination, ICMPV6, message));
            return ip(source, destination, ICMPV6, message);
        }
        setChecksum(message, 2, checksum(message, 0));
        return ip(source, destination, ICMP, message);
    }

    /** An IP packet (version from the addresses) around {@code payload}, don't-fragment set for IPv4. */
    static byte[] ip(InetAddress source, InetAddress destination, int protocol, byte[] payload) {
        if (source.getClass() != destination.getClass()) {
            throw new IllegalArgumentException(source + " and " + destination + " are of different IP versions");
        }
        if (source instanceof Inet6Address) {
            ByteBuffer out = ByteBuffer.allocate(40 + payload.length);
            out.putInt(6 << 28).putShort((short) payload.length).put((byte) protocol).put((byte) TTL)
                    .put(source.getAddress()).put(destination.getAddress()).put(payload);
            return out.array();
        }
        ByteBuffer out = ByteBuffer.allocate(20 + payload.length);
        out.put((byte) 0x45).put((byte) 0).putShort((short) (20 + payload.length)).putShort((short) 0)
                .putShort((short) 0x4000).put((byte) TTL).put((byte) protocol).putShort((short) 0)
                .put(source.getAddress()).put(destination.getAddress()).put(payload);
        byte[] bytes = out.array();
        setChecksum(bytes, 10, checksum(Arrays.copyOf(bytes, 20), 0));
        return bytes;
    }

    /** What follows the IP header of a packet a raw socket received (IPv6 raw sockets get no IP header). */
    static byte[] transportOf(byte[] received, boolean ipv6) {
        if (ipv6) {
            return received;
        }
        int headerLength = (received[0] & 0x0f) * 4;
        return Arrays.copyOfRange(received, headerLength, received.length);
    }

    private static int pseudoHeaderChecksum(InetAddress source, InetAddress destination, int protocol,
            byte[] segment) {
        byte[] src = source.getAddress();
        byte[] dst = destination.getAddress();
        ByteBuffer pseudo = ByteBuffer.allocate(src.length * 2 + (source instanceof Inet6Address ? 8 : 4));
        pseudo.put(src).put(dst);
        if (source instanceof Inet6Address) {
            pseudo.putInt(segment.length).putInt(protocol);
        } else {
            pseudo.put((byte) 0).put((byte) protocol).putShort((short) segment.length);
        }
        return checksum(segment, sum(pseudo.array(), 0));
    }

    private static int checksum(byte[] bytes, long initial) {
        long sum = sum(bytes, initial);
        while ((sum >> 16) != 0) {
            sum = (sum & 0xffff) + (sum >> 16);
        }
        return (int) (~sum & 0xffff);
    }

    private static long sum(byte[] bytes, long initial) {
        long sum = initial;
        for (int i = 0; i < bytes.length; i += 2) {
            int high = bytes[i] & 0xff;
            int low = i + 1 < bytes.length ? bytes[i + 1] & 0xff : 0;
            sum += (high << 8) | low;
        }
        return sum;
    }

    private static void setChecksum(byte[] bytes, int offset, int checksum) {
        bytes[offset] = (byte) (checksum >> 8);
        bytes[offset + 1] = (byte) checksum;
    }
}
