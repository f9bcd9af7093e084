package org.sacip.protocol.codec;

import java.nio.ByteBuffer;
import org.sacip.protocol.codec.SacipCodecException.Reason;
import org.sacip.protocol.message.MessageKind;
import org.sacip.protocol.message.SacipAddress;
import org.sacip.protocol.message.SacipMessage;
import org.sacip.protocol.message.UdpEndpoint;

/**
 * Strict decoder of one SACIP-over-UDP datagram payload (docs/PROTOCOL.md section 13.7): the IP addresses it
 * arrived with (families equal, unicast), the framing header (length, magic, framing version, type, reserved
 * octets), the stated endpoints (each address completely, their families equal and that of the IP packet, ports
 * not 0), then the SACIP part by the rules of section 10 with the stated family as the outer family and the stated
 * source as the outer source. There is no checksum of its own: the UDP checksum, checked by the kernel, covers the
 * datagram.
 */
public final class UdpDecoder {
    private UdpDecoder() {
    }

    public static UdpDatagram decode(byte[] payload, SacipAddress observedSource, SacipAddress observedDestination)
            throws SacipCodecException {
        return decode(ByteBuffer.wrap(payload), observedSource, observedDestination);
    }

    /**
     * Decodes the octets from the buffer's position to its limit (the whole UDP payload). The buffer's position is
     * not moved.
     *
     * @param observedSource      the IP source the datagram arrived from (after any NAT)
     * @param observedDestination the local IP address it arrived at
     */
    public static UdpDatagram decode(ByteBuffer payload, SacipAddress observedSource, SacipAddress observedDestination)
            throws SacipCodecException {
        SacipDecoder.checkOuterAddresses(observedSource, observedDestination);
        int start = payload.position();
        int length = payload.remaining();
        WireReader reader = new WireReader(payload, start, start + length);
        readFramingHeader(reader, length);
        if (length < UdpFraming.SACIP_PART_OFFSET) {
            throw new SacipCodecException(Reason.TRUNCATED_PATH_HEADER, length + " octets");
        }
        SacipAddress sourceAddress = reader.address();
        SacipAddress destinationAddress = reader.address();
        if (sourceAddress.family() != destinationAddress.family()) {
            throw new SacipCodecException(Reason.ADDRESS_FAMILY_MISMATCH,
                    "stated source " + sourceAddress.family() + ", stated destination " + destinationAddress.family());
        }
        if (sourceAddress.family() != observedSource.family()) {
            throw new SacipCodecException(Reason.ADDRESS_FAMILY_NOT_OUTER_FAMILY,
                    "stated " + sourceAddress.family() + " endpoints in an " + observedSource.family() + " packet");
        }
        UdpEndpoint source = new UdpEndpoint(sourceAddress, reader.port("stated source port"));
        UdpEndpoint destination = new UdpEndpoint(destinationAddress, reader.port("stated destination port"));
        if (length < UdpFraming.SACIP_PART_OFFSET + WireFormat.SACIP_HEADER_LENGTH) {
            throw new SacipCodecException(Reason.TRUNCATED_SACIP_HEADER, length + " octets");
        }
        MessageKind kind = SacipDecoder.readSacipHeader(reader);
        int entries = SacipDecoder.entriesHeldBy(kind, reader.remaining());
        SacipMessage message = SacipDecoder.readBody(kind, reader, entries, sourceAddress);
        return new UdpDatagram(new UdpEnvelope(source, destination), message);
    }

    private static void readFramingHeader(WireReader reader, int length) throws SacipCodecException {
        if (length < UdpFraming.HEADER_LENGTH) {
            throw new SacipCodecException(Reason.TRUNCATED_UDP_HEADER, length + " octets");
        }
        long magic = reader.unsigned(4);
        if (magic != UdpFraming.MAGIC) {
            throw new SacipCodecException(Reason.BAD_UDP_MAGIC, String.format("magic 0x%08x", magic));
        }
        int version = (int) reader.unsigned(1);
        if (version != UdpFraming.VERSION) {
            throw new SacipCodecException(Reason.UNSUPPORTED_UDP_FRAMING_VERSION, "framing version " + version);
        }
        int type = (int) reader.unsigned(1);
        if (type == UdpFraming.TYPE_DATA) {
            throw new SacipCodecException(Reason.DATA_DATAGRAM, "a tunnel's data datagram, not a message");
        }
        if (type != UdpFraming.TYPE_MESSAGE) {
            throw new SacipCodecException(Reason.UNKNOWN_UDP_TYPE, "datagram type " + type);
        }
        reader.zeros(2, Reason.RESERVED_UDP_HEADER_BITS);
    }
}
