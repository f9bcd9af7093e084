package org.sacip.protocol.codec;

import java.nio.BufferOverflowException;
import java.nio.ByteBuffer;
import org.sacip.protocol.message.SacipMessage;

/** Encodes a message as a SACIP-over-UDP datagram payload (docs/PROTOCOL.md section 13.2) into a caller's buffer. */
public final class UdpEncoder {
    private UdpEncoder() {
    }

    /** Octets {@link #encode} writes for this message. */
    public static int encodedLength(SacipMessage message) {
        return UdpFraming.SACIP_PART_OFFSET + SacipBodyWriter.length(message);
    }

    /**
     * Writes at the buffer's position and advances it past the datagram.
     *
     * @return octets written
     * @throws BufferOverflowException when the buffer has too little room; nothing is written then
     * @throws IllegalArgumentException when a claim's addresses are of another family than the stated endpoints
     *                                  (the decoder would reject such a message)
     */
    public static int encode(SacipMessage message, UdpEnvelope envelope, ByteBuffer out) {
        SacipEncoder.requireSessionFamily(message, envelope.family());
        int length = encodedLength(message);
        if (out.remaining() < length) {
            throw new BufferOverflowException();
        }
        envelope.write(out);
        SacipBodyWriter.write(message, out);
        return length;
    }

    /** Convenience: the encoded datagram payload in a new array. */
    public static byte[] encode(SacipMessage message, UdpEnvelope envelope) {
        ByteBuffer out = ByteBuffer.allocate(encodedLength(message));
        encode(message, envelope, out);
        return out.array();
    }
}
