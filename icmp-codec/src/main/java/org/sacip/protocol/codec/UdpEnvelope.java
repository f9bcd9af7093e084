package org.sacip.protocol.codec;

import java.nio.ByteBuffer;
import org.sacip.protocol.message.SacipAddress;
import org.sacip.protocol.message.SacipMessage;
import org.sacip.protocol.message.UdpEndpoint;

/**
 * The first {@link UdpFraming#SACIP_PART_OFFSET} octets of a SACIP-over-UDP datagram (docs/PROTOCOL.md section
 * 13.2): the framing header and the endpoints the sender states, its own and the one it sends to. A NAT rewrites
 * the datagram's IP and UDP headers but not these, so they are what the MAC covers, what the key schedule binds and
 * what the receiver compares with the endpoints it observed to detect address translation.
 */
public record UdpEnvelope(UdpEndpoint statedSource, UdpEndpoint statedDestination) implements Envelope {
    public UdpEnvelope {
        if (statedSource.family() != statedDestination.family()) {
            throw new IllegalArgumentException("stated source and destination must have the same family");
        }
    }

    @Override
    public SacipAddress source() {
        return statedSource.address();
    }

    @Override
    public SacipAddress destination() {
        return statedDestination.address();
    }

    /** Writes the framing header and the stated endpoints at the buffer's position. */
    void write(ByteBuffer out) {
        out.putInt(UdpFraming.MAGIC);
        out.put((byte) UdpFraming.VERSION);
        out.put((byte) UdpFraming.TYPE_MESSAGE);
        out.putShort((short) 0);
        out.put(statedSource.address().toWire());
        out.put(statedDestination.address().toWire());
        out.putShort((short) statedSource.port());
        out.putShort((short) statedDestination.port());
    }

    @Override
    public byte[] encode(SacipMessage message) {
        return UdpEncoder.encode(message, this);
    }

    @Override
    public byte[] macPrefix() {
        ByteBuffer prefix = ByteBuffer.allocate(UdpFraming.SACIP_PART_OFFSET);
        write(prefix);
        return prefix.array();
    }

    /**
     * True when the sender's stated endpoint differs from the source the datagram arrived from: a NAT between the
     * sender and this host translated the sender's address or port (section 13.4).
     */
    public boolean sourceTranslated(UdpEndpoint observedSource) {
        return !statedSource.equals(observedSource);
    }

    /**
     * True when the endpoint the sender addressed differs from the one this host received the datagram at: a NAT in
     * front of this host forwarded it (section 13.4). In a message the peer sent to this host, the stated
     * destination is this host's endpoint as the peer sees it (its public endpoint when this host is behind NAT).
     */
    public boolean destinationTranslated(UdpEndpoint observedDestination) {
        return !statedDestination.equals(observedDestination);
    }
}
