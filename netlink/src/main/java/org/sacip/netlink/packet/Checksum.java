package org.sacip.netlink.packet;

import java.nio.ByteBuffer;

/**
 * The Internet checksum (RFC 1071) of IPv4 headers, TCP and UDP, and its incremental update (RFC 1624): a rewrite of
 * a few header words changes the checksum by what those words changed, without reading the payload again.
 */
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

    /**
     * What a field's change does to a checksum: the one's complement sum of {@code ~old + new} over its words (the
     * {@code ~m + m'} of RFC 1624 eqn. 3), with the field's current value read from {@code bytes} at {@code offset}
     * and the new one from {@code replacement}.
     */
    static int delta(ByteBuffer bytes, int offset, byte[] replacement) {
        long sum = 0;
        for (int i = 0; i < replacement.length; i += 2) {
            int old = Short.toUnsignedInt(bytes.getShort(offset + i));
            int word = (Byte.toUnsignedInt(replacement[i]) << 8) | Byte.toUnsignedInt(replacement[i + 1]);
            sum += (~old & 0xffff) + word;
        }
        return fold(sum);
    }

    /** The delta of one 16-bit word changing from {@code old} to {@code word}. */
    static int delta(int old, int word) {
        return fold((~old & 0xffff) + (long) word);
    }

    /**
     * RFC 1624 eqn. 3, {@code HC' = ~(~HC + ~m + m')}. Unlike eqn. 2 it does not turn a zero sum into 0xFFFF, a
     * form a checksum computed afresh over a header with a non-zero word never takes: from a right checksum it gives
     * exactly what a recomputation would.
     */
    static int apply(int checksum, int delta) {
        return ~fold((~checksum & 0xffff) + (long) delta) & 0xffff;
    }
}
