package org.sacip.protocol.codec;

import java.nio.ByteBuffer;
import org.sacip.protocol.message.AddressFamily;
import org.sacip.protocol.message.SacipAddress;
import org.sacip.protocol.message.SacipMessage;

/**
 * What a SACIP message travels in, as far as its MAC covers it (docs/PROTOCOL.md sections 5.3 and 13.3): the outer
 * IP addresses of an ICMP message, or the framing header and stated endpoints of a UDP datagram. The MAC input is
 * {@link #macPrefix()} followed by the SACIP part with the MAC zeroed. An ICMP prefix starts with an address family
 * octet (4 or 6) and a UDP prefix with "SACU", so no input of one transport equals an input of the other.
 */
public sealed interface Envelope permits Envelope.Icmp, UdpEnvelope {
    /** The octets the MAC covers before the SACIP part. */
    byte[] macPrefix();

    /** The sender's own address as the message states it (ICMP: the outer source). */
    SacipAddress source();

    /** The receiver's address as the sender addressed it (ICMP: the outer destination). */
    SacipAddress destination();

    default AddressFamily family() {
        return source().family();
    }

    /** The message as it goes on the wire in this envelope: a whole ICMP message, or a UDP payload. */
    byte[] encode(SacipMessage message);

    /** An ICMP message's outer IP source and destination: the MAC covers their 20-octet formats (section 5.3). */
    record Icmp(SacipAddress source, SacipAddress destination) implements Envelope {
        public Icmp {
            if (source.family() != destination.family()) {
                throw new IllegalArgumentException("outer source and destination must have the same family");
            }
        }

        @Override
        public byte[] encode(SacipMessage message) {
            return SacipEncoder.encode(message, source, destination);
        }

        @Override
        public byte[] macPrefix() {
            ByteBuffer prefix = ByteBuffer.allocate(2 * SacipAddress.WIRE_LENGTH);
            prefix.put(source.toWire()).put(destination.toWire());
            return prefix.array();
        }
    }
}
