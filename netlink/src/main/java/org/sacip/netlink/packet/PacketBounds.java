package org.sacip.netlink.packet;

import java.nio.ByteBuffer;
import org.sacip.netlink.packet.PacketParseException.Reason;

/**
 * A packet's bytes (big-endian, indexes from its IP header at 0) with its two limits: {@code end}, the length its IP
 * header states, and {@code captured}, how many bytes are there. A header beyond the end is malformed; one within the
 * end but beyond the capture was cut by the copy range ({@link Reason#TRUNCATED}).
 */
record PacketBounds(ByteBuffer bytes, int end, int captured) {

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
