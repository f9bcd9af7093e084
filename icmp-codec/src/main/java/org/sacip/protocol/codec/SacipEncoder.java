package org.sacip.protocol.codec;

import java.nio.BufferOverflowException;
import java.nio.ByteBuffer;
import org.sacip.protocol.message.AddressFamily;
import org.sacip.protocol.message.Claim;
import org.sacip.protocol.message.ClaimReply;
import org.sacip.protocol.message.SacipAddress;
import org.sacip.protocol.message.SacipMessage;

/** Encodes a message as a complete ICMP message (type, code, checksum, SACIP part) into a caller's buffer. */
public final class SacipEncoder {
    private SacipEncoder() {
    }

    /** Octets {@link #encode} writes for this message. */
    public static int encodedLength(SacipMessage message) {
        return WireFormat.ICMP_HEADER_LENGTH + SacipBodyWriter.length(message);
    }

    /**
     * Writes at the buffer's position and advances it past the message.
     *
     * @param source the outer IP source; with {@code destination} it selects the ICMP type and, for IPv6, enters
     *               the checksum
     * @return octets written
     * @throws BufferOverflowException when the buffer has too little room; nothing is written then
     * @throws IllegalArgumentException when the outer addresses differ in family or are not unicast host addresses,
     *                                  a claim's addresses are of another family than the outer ones, or the kind
     *                                  travels only over UDP (the decoder would reject such a message)
     */
    public static int encode(SacipMessage message, SacipAddress source, SacipAddress destination, ByteBuffer out) {
        if (message.kind().udpOnly()) {
            throw new IllegalArgumentException(message.kind() + " travels only over UDP");
        }
        if (source.family() != destination.family()) {
            throw new IllegalArgumentException("outer source and destination must have the same family");
        }
        source.requireUnicastHost("outer source");
        destination.requireUnicastHost("outer destination");
        requireSessionFamily(message, source.family());
        int length = encodedLength(message);
        if (out.remaining() < length) {
            throw new BufferOverflowException();
        }
        int start = out.position();
        out.put((byte) source.family().icmpType());
        out.put((byte) 0);
        BigEndian.put(out, 0, 2);
        SacipBodyWriter.write(message, out);
        IcmpChecksum.rewrite(out, start, length, source, destination);
        return length;
    }

    /** A claim or claim reply speaks of sessions of one family and travels in that family (section 4). */
    static void requireSessionFamily(SacipMessage message, AddressFamily family) {
        AddressFamily sessionFamily = message instanceof Claim c ? c.holderAddress().family()
                : message instanceof ClaimReply r ? r.seenHolderAddress().family() : family;
        if (sessionFamily != family) {
            throw new IllegalArgumentException(message.kind() + " about " + sessionFamily + " sessions sent over "
                    + family);
        }
    }

    /** Convenience: the encoded message in a new array. */
    public static byte[] encode(SacipMessage message, SacipAddress source, SacipAddress destination) {
        ByteBuffer out = ByteBuffer.allocate(encodedLength(message));
        encode(message, source, destination, out);
        return out.array();
    }
}
