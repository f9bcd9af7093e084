package org.sacip.lab.attack;

import java.util.Optional;
import org.sacip.protocol.codec.SacipCodecException;
import org.sacip.protocol.codec.SacipDecoder;
import org.sacip.protocol.message.AddressFamily;
import org.sacip.protocol.message.MessageKind;
import org.sacip.protocol.message.SacipAddress;
import org.sacip.protocol.message.SacipMessage;

/**
 * A captured packet that carries a SACIP message (ICMP type 253 over IPv4, ICMPv6 type 200 over IPv6, magic
 * "SACI"), with its outer addresses. The kind is read from the header whatever the version; {@link #decoded}
 * uses the codec, so it follows the protocol version the codec speaks.
 */
record SacipPacket(CapturedPacket packet, byte[] icmp) {
    private static final int KIND_OFFSET = 9;
    private static final int MAGIC_OFFSET = 4;
    private static final int UDP_KIND_OFFSET = 52 + 5;

    SacipPacket {
        icmp = icmp.clone();
    }

    /** The SACIP message in the packet, if it carries one. */
    static Optional<SacipPacket> of(CapturedPacket packet) {
        AddressFamily family = packet.isV6() ? AddressFamily.IPV6 : AddressFamily.IPV4;
        int icmpProtocol = packet.isV6() ? IpPackets.ICMPV6 : IpPackets.ICMP;
        if (packet.protocol() != icmpProtocol) {
            return Optional.empty();
        }
        byte[] icmp = packet.transport();
        if (icmp.length <= KIND_OFFSET || (icmp[0] & 0xff) != family.icmpType() || icmp[MAGIC_OFFSET] != 'S'
                || icmp[MAGIC_OFFSET + 1] != 'A' || icmp[MAGIC_OFFSET + 2] != 'C' || icmp[MAGIC_OFFSET + 3] != 'I') {
            return Optional.empty();
        }
        return Optional.of(new SacipPacket(packet, icmp));
    }

    /**
     * The kind of the SACIP message a captured UDP datagram carries (docs/PROTOCOL.md 13.2: framing type 1, the kind
     * after the framing header, the stated endpoints, the magic and the version); empty for anything else, a
     * tunnel's data datagram included.
     */
    static Optional<MessageKind> udpKind(CapturedPacket packet) {
        byte[] payload = packet.udpPayload();
        if (payload.length <= UDP_KIND_OFFSET || payload[0] != 'S' || payload[1] != 'A' || payload[2] != 'C'
                || payload[3] != 'U' || payload[5] != 1) {
            return Optional.empty();
        }
        return MessageKind.fromCode(payload[UDP_KIND_OFFSET] & 0xff);
    }

    @Override
    public byte[] icmp() {
        return icmp.clone();
    }

    SacipAddress source() {
        return SacipAddress.of(packet.source());
    }

    SacipAddress destination() {
        return SacipAddress.of(packet.destination());
    }

    /** The kind octet of the header (empty for a code this codec does not know). */
    Optional<MessageKind> kind() {
        return MessageKind.fromCode(icmp[KIND_OFFSET] & 0xff);
    }

    boolean is(MessageKind kind) {
        return kind().filter(kind::equals).isPresent();
    }

    /** The message as the codec reads it; empty when the codec rejects it (another version, malformed). */
    Optional<SacipMessage> decoded() {
        try {
            return Optional.of(SacipDecoder.decode(icmp, source(), destination()));
        } catch (SacipCodecException e) {
            return Optional.empty();
        }
    }

    @Override
    public String toString() {
        return packet.direction() + " " + kind().map(Enum::name).orElse("kind " + (icmp[KIND_OFFSET] & 0xff))
                + " " + Addresses.text(packet.source()) + " -> " + Addresses.text(packet.destination()) + " ("
                + packet.length() + " octets)";
    }
}
