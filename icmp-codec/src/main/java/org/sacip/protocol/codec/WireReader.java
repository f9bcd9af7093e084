package org.sacip.protocol.codec;

import java.nio.ByteBuffer;
import org.sacip.protocol.codec.SacipCodecException.Reason;
import org.sacip.protocol.message.AddressFamily;
import org.sacip.protocol.message.Octets;
import org.sacip.protocol.message.SacipAddress;

/**
 * Reads fields from a region whose length the decoder has already checked against the kind's body length. Every
 * read still checks the octets left, so a mistake here becomes a typed error, not a buffer exception.
 */
final class WireReader {
    private final ByteBuffer buffer;
    private int index;
    private final int end;

    WireReader(ByteBuffer buffer, int index, int end) {
        this.buffer = buffer;
        this.index = index;
        this.end = end;
    }

    int remaining() {
        return end - index;
    }

    long unsigned(int octets) throws SacipCodecException {
        require(octets);
        long value = 0;
        for (int i = 0; i < octets; i++) {
            value = (value << 8) | (buffer.get(index++) & 0xFF);
        }
        return value;
    }

    Octets octets(int length) throws SacipCodecException {
        require(length);
        byte[] bytes = new byte[length];
        for (int i = 0; i < length; i++) {
            bytes[i] = buffer.get(index++);
        }
        return Octets.of(bytes);
    }

    void zeros(int length, Reason reasonIfNot) throws SacipCodecException {
        require(length);
        for (int i = 0; i < length; i++) {
            if (buffer.get(index++) != 0) {
                throw new SacipCodecException(reasonIfNot, "octet " + (i + 1) + " of " + length + " must be zero");
            }
        }
    }

    /**
     * The 20-octet address format: family, three reserved zeros, 16 address octets (IPv4: 4 then 12 zeros), checked
     * in that order and then for being a unicast host address.
     */
    SacipAddress address() throws SacipCodecException {
        require(SacipAddress.WIRE_LENGTH);
        int code = buffer.get(index++) & 0xFF;
        AddressFamily family = AddressFamily.fromCode(code).orElseThrow(
                () -> new SacipCodecException(Reason.UNKNOWN_ADDRESS_FAMILY, "address family " + code));
        zeros(3, Reason.RESERVED_ADDRESS_BITS);
        Octets octets = octets(family.addressLength());
        zeros(16 - family.addressLength(), Reason.NONZERO_ADDRESS_TAIL);
        SacipAddress address = SacipAddress.of(family, octets.toByteArray());
        if (!address.isUnicastHost()) {
            throw new SacipCodecException(Reason.NON_UNICAST_ADDRESS, address + " is not a unicast host address");
        }
        return address;
    }

    /** A 16-bit port, which is never 0. */
    int port(String what) throws SacipCodecException {
        int port = (int) unsigned(2);
        if (port == 0) {
            throw new SacipCodecException(Reason.ZERO_PORT, what + " is 0");
        }
        return port;
    }

    private void require(int length) throws SacipCodecException {
        if (length > end - index) {
            throw new SacipCodecException(Reason.TRUNCATED_BODY, "need " + length + " octets, " + (end - index) + " left");
        }
    }
}
