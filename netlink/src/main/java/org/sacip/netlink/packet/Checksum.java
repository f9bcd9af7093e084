package org.sacip.netlink.packet;

import java.nio.ByteBuffer;

/** The Internet checksum (RFC 1071) of IPv4 headers, TCP and UDP. */
final class Checksum {
    private Checksum() {
    }

    /**
     * The one's complement sum, folded to 16 bits, of {@code initial} and the big-endian 16-bit words of
     * {@code length} bytes at {@code offset} (an odd last byte is padded with a zero byte).
     */
    static int sum(ByteBuffer bytes, int offset, int length, int initial) {
        long sum = initial;
        int end = offset + length;
        int at = offset;
        for (; at + 1 < end; at += 2) {
            sum += Short.toUnsignedInt(bytes.getShort(at));
        }
        if (at < end) {
            sum += Byte.toUnsignedInt(bytes.get(at)) << 8;
        }
        return fold(sum);
    }

    /** Folds the carries back in (end-around carry) until 16 bits remain. */
    static int fold(long sum) {
        while ((sum >>> 16) != 0) {
            sum = (sum & 0xffff) + (sum >>> 16);
        }
        return (int) sum;
    }
}
