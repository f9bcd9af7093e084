package org.sacip.protocol.codec;

import java.nio.ByteBuffer;

/** Network byte order writes that do not depend on the order the caller set on its buffer. */
final class BigEndian {
    private BigEndian() {
    }

    static void put(ByteBuffer out, long value, int octets) {
        for (int shift = (octets - 1) * 8; shift >= 0; shift -= 8) {
            out.put((byte) (value >>> shift));
        }
    }

    static void putShortAt(ByteBuffer out, int index, int value) {
        out.put(index, (byte) (value >>> 8));
        out.put(index + 1, (byte) value);
    }
}
