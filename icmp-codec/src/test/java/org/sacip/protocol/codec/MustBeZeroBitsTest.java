package org.sacip.protocol.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.sacip.protocol.codec.SacipCodecException.Reason;
import org.sacip.protocol.message.AddressFamily;
import org.sacip.protocol.message.MessageKind;
import org.sacip.protocol.message.SacipAddress;

/**
 * Every bit that must be zero (reserved header and body bits, padding, address reserved octets and IPv4 tails,
 * unknown claim flags, the zero half of a TCP proof, the proof of an entry without record), set alone in the golden
 * message of its kind and family, makes the message malformed with the reason of that field. Offsets are those of
 * the ICMP message; a kind that travels only over UDP is tested in its datagram, where the SACIP part starts 48
 * octets later.
 */
class MustBeZeroBitsTest {
    /** Octets {@code from} to {@code to - 1} of the ICMP message must be zero in the bits of {@code mask}. */
    record ZeroField(MessageKind kind, String field, int from, int to, int mask, Reason reason) {
    }

    /** The must-be-zero octets of one kind's golden message in one family. */
    static List<ZeroField> fields(MessageKind kind, AddressFamily family) {
        List<ZeroField> fields = new ArrayList<>();
        fields.add(new ZeroField(kind, "header reserved", 10, 12, 0xFF, Reason.RESERVED_HEADER_BITS));
        switch (kind) {
            case HELLO:
                fields.add(new ZeroField(kind, "padding", 28, 44, 0xFF, Reason.NONZERO_PADDING));
                break;
            case INIT:
                fields.add(new ZeroField(kind, "padding", 76, 92, 0xFF, Reason.NONZERO_PADDING));
                break;
            case REKEY:
                fields.add(new ZeroField(kind, "padding", 20, 28, 0xFF, Reason.NONZERO_PADDING));
                break;
            case ADDRESS_UPDATE:
            case UPDATE_ACK:
                addAddress(fields, kind, "original", 28, family);
                addAddress(fields, kind, "current", 48, family);
                break;
            case REFUSAL:
                fields.add(new ZeroField(kind, "reserved", 14, 16, 0xFF, Reason.RESERVED_REFUSAL_BITS));
                break;
            case CLAIM:
                addAddress(fields, kind, "holder", 28, family);
                addAddress(fields, kind, "peer", 48, family);
                fields.add(new ZeroField(kind, "reserved", 70, 72, 0xFF, Reason.RESERVED_CLAIM_BITS));
                for (int entry = 0; entry < 3; entry++) {
                    int at = 72 + 24 * entry;
                    fields.add(new ZeroField(kind, "entry " + entry + " unknown flags", at + 1, at + 2, 0xFE,
                            Reason.UNKNOWN_CLAIM_FLAGS));
                    fields.add(new ZeroField(kind, "entry " + entry + " reserved", at + 6, at + 8, 0xFF,
                            Reason.RESERVED_CLAIM_BITS));
                }
                // The golden entries: TCP with a proof, UDP with a proof, TCP without record.
                fields.add(new ZeroField(kind, "TCP proof tail", 72 + 16, 72 + 24, 0xFF,
                        Reason.NONZERO_TCP_PROOF_TAIL));
                fields.add(new ZeroField(kind, "proof without record", 120 + 8, 120 + 24, 0xFF,
                        Reason.NONZERO_PROOF_WITHOUT_RECORD));
                break;
            case CLAIM_REPLY:
                addAddress(fields, kind, "seen holder", 28, family);
                fields.add(new ZeroField(kind, "reserved", 50, 52, 0xFF, Reason.RESERVED_CLAIM_BITS));
                break;
            case TUNNEL_OPEN:
                fields.add(new ZeroField(kind, "reserved", 36, 52, 0xFF, Reason.NONZERO_PADDING));
                break;
            default:
                break;
        }
        return fields;
    }

    private static void addAddress(List<ZeroField> fields, MessageKind kind, String name, int at,
            AddressFamily family) {
        fields.add(new ZeroField(kind, name + " address reserved", at + 1, at + 4, 0xFF, Reason.RESERVED_ADDRESS_BITS));
        if (family == AddressFamily.IPV4) {
            fields.add(new ZeroField(kind, name + " IPv4 tail", at + 8, at + 20, 0xFF, Reason.NONZERO_ADDRESS_TAIL));
        }
    }

    static Stream<Arguments> everyField() {
        return Stream.of(MessageKind.values()).flatMap(kind -> Stream.of(AddressFamily.values())
                .flatMap(family -> fields(kind, family).stream().map(field -> Arguments.of(field, family))));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("everyField")
    void everyBitAloneIsRejected(ZeroField field, AddressFamily family) {
        SacipAddress source = GoldenMessages.source(family);
        SacipAddress destination = GoldenMessages.destination(family);
        boolean udp = field.kind().udpOnly();
        byte[] golden = udp ? UdpMessages.encoded(field.kind(), family)
                : SacipEncoder.encode(GoldenMessages.of(field.kind(), family), source, destination);
        int shift = udp ? UdpFraming.SACIP_PART_OFFSET - WireFormat.ICMP_HEADER_LENGTH : 0;
        for (int octet = field.from() + shift; octet < field.to() + shift; octet++) {
            assertEquals(0, golden[octet] & field.mask(), field + ": the golden message has these bits zero");
            for (int bit = 0; bit < 8; bit++) {
                if ((field.mask() & (1 << bit)) == 0) {
                    continue;
                }
                byte[] wire = golden.clone();
                wire[octet] |= (byte) (1 << bit);
                String where = field + " octet " + octet + " bit " + bit;
                SacipCodecException e;
                if (udp) {
                    e = assertThrows(SacipCodecException.class, () -> UdpDecoder.decode(wire, source, destination),
                            where);
                } else {
                    IcmpChecksum.rewrite(wire, source, destination);
                    e = assertThrows(SacipCodecException.class, () -> SacipDecoder.decode(wire, source, destination),
                            where);
                }
                assertEquals(field.reason(), e.reason(), where + ": " + e.getMessage());
            }
        }
    }

    @Test
    void everyKindIsCovered() {
        long kinds = everyField().map(a -> ((ZeroField) a.get()[0]).kind()).distinct().count();
        assertEquals(MessageKind.values().length, kinds);
    }
}
