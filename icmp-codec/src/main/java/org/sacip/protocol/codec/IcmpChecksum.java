package org.sacip.protocol.codec;

import java.nio.ByteBuffer;
import org.sacip.protocol.message.AddressFamily;
import org.sacip.protocol.message.SacipAddress;

/** The Internet checksum (RFC 1071) of an ICMP message; for ICMPv6 it includes the pseudo-header (RFC 8200 8.1). */
public final class IcmpChecksum {
    private static final int ICMPV6_NEXT_HEADER = 58;

    private IcmpChecksum() {
    }

    /**
     * One's complement sum over {@code length} octets of {@code message} from {@code offset} (absolute indexes, the
     * buffer position is not moved), plus the pseudo-header for IPv6, folded and complemented. A message whose checksum
     * field is correct yields 0.
     */
    public static int compute(ByteBuffer message, int offset, int length, SacipAddress source,
            SacipAddress destination) {
        long sum = 0;
        if (source.family() == AddressFamily.IPV6) {
            sum += sumOf(source.addressBytes());
            sum += sumOf(destination.addressBytes());
            sum += (length >>> 16) + (length & 0xFFFF);
            sum += ICMPV6_NEXT_HEADER;
        }
        int end = offset + length;
        int i = offset;
        for (; i + 1 < end; i += 2) {
            sum += ((message.get(i) & 0xFF) << 8) | (message.get(i + 1) & 0xFF);
        }
        if (i < end) {
            sum += (message.get(i) & 0xFF) << 8;
        }
        while ((sum >>> 16) != 0) {
            sum = (sum & 0xFFFF) + (sum >>> 16);
        }
        return (int) (~sum & 0xFFFF);
    }

    /**
     * Zeroes the checksum field of the ICMP message at {@code offset} and writes the correct checksum into it (used
     * by the encoder after the MAC is in place, and by tests that craft inputs).
     */
    public static void rewrite(ByteBuffer message, int offset, int length, SacipAddress source,
            SacipAddress destination) {
        BigEndian.putShortAt(message, offset + 2, 0);
        BigEndian.putShortAt(message, offset + 2, compute(message, offset, length, source, destination));
    }

    /** {@link #rewrite} over a whole array. */
    public static byte[] rewrite(byte[] icmp, SacipAddress source, SacipAddress destination) {
        if (icmp.length >= 4) {
            rewrite(ByteBuffer.wrap(icmp), 0, icmp.length, source, destination);
        }
        return icmp;
    }

    private static long sumOf(byte[] bytes) {
        long sum = 0;
        for (int i = 0; i < bytes.length; i += 2) {
            sum += ((bytes[i] & 0xFF) << 8) | (bytes[i + 1] & 0xFF);
        }
        return sum;
    }
}
