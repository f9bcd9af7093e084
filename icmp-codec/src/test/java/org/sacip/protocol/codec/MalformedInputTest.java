package org.sacip.protocol.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.sacip.protocol.codec.SacipCodecException.Reason;
import org.sacip.protocol.message.AddressFamily;
import org.sacip.protocol.message.MessageKind;
import org.sacip.protocol.message.SacipAddress;

/** A table of distinct malformed inputs; each must be rejected with its own reason and nothing else. */
class MalformedInputTest {
    private static final SacipAddress V4_SRC = GoldenMessages.source(AddressFamily.IPV4);
    private static final SacipAddress V4_DST = GoldenMessages.destination(AddressFamily.IPV4);
    private static final SacipAddress V6_SRC = GoldenMessages.source(AddressFamily.IPV6);
    private static final SacipAddress V6_DST = GoldenMessages.destination(AddressFamily.IPV6);

    /** One malformed input: the ICMP octets and the outer addresses they arrive with. */
    record Case(String name, byte[] icmp, SacipAddress source, SacipAddress destination, Reason reason) {
        @Override
        public String toString() {
            return name;
        }
    }

    static byte[] encoded(MessageKind kind, AddressFamily family) {
        return SacipEncoder.encode(GoldenMessages.of(kind, family), GoldenMessages.source(family),
                GoldenMessages.destination(family));
    }

    /** A valid IPv4 message of {@code kind}, changed by {@code edit}, with a correct checksum again. */
    static byte[] v4(MessageKind kind, UnaryOperator<byte[]> edit) {
        return withChecksum(edit.apply(encoded(kind, AddressFamily.IPV4)), V4_SRC, V4_DST);
    }

    static byte[] withChecksum(byte[] icmp, SacipAddress source, SacipAddress destination) {
        return IcmpChecksum.rewrite(icmp, source, destination);
    }

    static UnaryOperator<byte[]> set(int index, int value) {
        return b -> {
            b[index] = (byte) value;
            return b;
        };
    }

    static UnaryOperator<byte[]> length(int newLength) {
        return b -> Arrays.copyOf(b, newLength);
    }

    static Case v4Case(String name, MessageKind kind, UnaryOperator<byte[]> edit, Reason reason) {
        return new Case(name, v4(kind, edit), V4_SRC, V4_DST, reason);
    }

    // Offsets in an ADDRESS_UPDATE: body at 12; key id 12..19, sequence 20..27, original 28..47, current 48..67.
    static Stream<Arguments> cases() {
        MessageKind hello = MessageKind.HELLO;
        MessageKind update = MessageKind.ADDRESS_UPDATE;
        MessageKind refusal = MessageKind.REFUSAL;
        byte[] v6Hello = encoded(hello, AddressFamily.IPV6);
        Case[] cases = {
            new Case("empty input", new byte[0], V4_SRC, V4_DST, Reason.TRUNCATED_ICMP_HEADER),
            new Case("three octets", new byte[] {(byte) 253, 0, 0}, V4_SRC, V4_DST, Reason.TRUNCATED_ICMP_HEADER),
            new Case("IPv4 source, IPv6 destination", encoded(hello, AddressFamily.IPV4), V4_SRC, V6_DST,
                    Reason.OUTER_ADDRESS_FAMILY_MISMATCH),
            new Case("ICMPv6 type over IPv4", encoded(hello, AddressFamily.IPV6), V4_SRC, V4_DST, Reason.WRONG_ICMP_TYPE),
            new Case("ICMPv4 type over IPv6", encoded(hello, AddressFamily.IPV4), V6_SRC, V6_DST, Reason.WRONG_ICMP_TYPE),
            v4Case("echo request type", hello, set(0, 8), Reason.WRONG_ICMP_TYPE),
            v4Case("other experimental type 254", hello, set(0, 254), Reason.WRONG_ICMP_TYPE),
            v4Case("ICMP code 1", hello, set(1, 1), Reason.NONZERO_ICMP_CODE),
            v4Case("ICMP header only", hello, length(4), Reason.TRUNCATED_SACIP_HEADER),
            v4Case("SACIP header cut at 11 octets", hello, length(11), Reason.TRUNCATED_SACIP_HEADER),
            v4Case("wrong magic", hello, set(4, 'X'), Reason.BAD_MAGIC),
            v4Case("lower-case magic", hello, set(7, 'i'), Reason.BAD_MAGIC),
            v4Case("version 0", hello, set(8, 0), Reason.UNSUPPORTED_VERSION),
            v4Case("version 2", hello, set(8, 2), Reason.UNSUPPORTED_VERSION),
            v4Case("kind 0", hello, set(9, 0), Reason.UNKNOWN_KIND),
            v4Case("kind 12", hello, set(9, 12), Reason.UNKNOWN_KIND),
            v4Case("kind 255", hello, set(9, 255), Reason.UNKNOWN_KIND),
            v4Case("reserved header high octet", hello, set(10, 0x80), Reason.RESERVED_HEADER_BITS),
            v4Case("reserved header low bit", hello, set(11, 0x01), Reason.RESERVED_HEADER_BITS),
            v4Case("HELLO one octet short", hello, length(43), Reason.TRUNCATED_BODY),
            v4Case("HELLO without body", hello, length(12), Reason.TRUNCATED_BODY),
            v4Case("REFUSAL kind with a HELLO body too long", hello, set(9, refusal.code()), Reason.TRAILING_BYTES),
            v4Case("HELLO with one trailing octet", hello, length(45), Reason.TRAILING_BYTES),
            v4Case("INIT_REPLY kind on a shorter HELLO body", hello, set(9, MessageKind.INIT_REPLY.code()),
                    Reason.TRUNCATED_BODY),
            new Case("checksum off by one", set(3, (encoded(hello, AddressFamily.IPV4)[3] + 1))
                    .apply(encoded(hello, AddressFamily.IPV4)), V4_SRC, V4_DST, Reason.BAD_CHECKSUM),
            new Case("ICMPv6 checksum for another destination", v6Hello, V6_SRC,
                    SacipAddress.parse("2001:db8::3"), Reason.BAD_CHECKSUM),
            new Case("ICMPv6 checksum without pseudo-header", withoutPseudoHeader(v6Hello), V6_SRC, V6_DST,
                    Reason.BAD_CHECKSUM),
            v4Case("HELLO padding not zero", hello, set(43, 1), Reason.NONZERO_PADDING),
            v4Case("INIT padding not zero", MessageKind.INIT, set(76, 0xff), Reason.NONZERO_PADDING),
            v4Case("REKEY padding not zero", MessageKind.REKEY, set(20, 1), Reason.NONZERO_PADDING),
            v4Case("original address family 5", update, set(28, 5), Reason.UNKNOWN_ADDRESS_FAMILY),
            v4Case("current address family 0", update, set(48, 0), Reason.UNKNOWN_ADDRESS_FAMILY),
            v4Case("address reserved octet", update, set(30, 1), Reason.RESERVED_ADDRESS_BITS),
            v4Case("IPv4 address tail not zero", update, set(47, 1), Reason.NONZERO_ADDRESS_TAIL),
            v4Case("original IPv6, current IPv4", update, set(28, 6), Reason.ADDRESS_FAMILY_MISMATCH),
            v4Case("sequence number 0", update, b -> {
                Arrays.fill(b, 20, 28, (byte) 0);
                return b;
            }, Reason.ZERO_SEQUENCE),
            v4Case("acknowledgement with sequence number 0", MessageKind.UPDATE_ACK, b -> {
                Arrays.fill(b, 20, 28, (byte) 0);
                return b;
            }, Reason.ZERO_SEQUENCE),
            v4Case("update sent from another address", update, set(55, 7), Reason.OUTER_SOURCE_NOT_CURRENT_ADDRESS),
            v4Case("refusal reason 0", refusal, set(13, 0), Reason.UNKNOWN_REFUSAL_REASON),
            v4Case("refusal reason 5", refusal, set(13, 5), Reason.UNKNOWN_REFUSAL_REASON),
            v4Case("refusal reserved bits", refusal, set(15, 1), Reason.RESERVED_REFUSAL_BITS),
            v4Case("65000 trailing octets", hello, length(65000), Reason.TRAILING_BYTES),
        };
        return Stream.of(cases).map(Arguments::of);
    }

    private static byte[] withoutPseudoHeader(byte[] icmp) {
        // The IPv4 rule (no pseudo-header) applied to an ICMPv6 message.
        return withChecksum(icmp.clone(), V4_SRC, V4_DST);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void rejectedWithItsReason(Case c) {
        SacipCodecException e = assertThrows(SacipCodecException.class,
                () -> SacipDecoder.decode(c.icmp(), c.source(), c.destination()));
        assertEquals(c.reason(), e.reason(), e.getMessage());
    }

    @org.junit.jupiter.api.Test
    void tableHasAtLeastThirtyDistinctInputs() {
        long rows = cases().count();
        long distinct = cases().map(a -> (Case) a.get()[0])
                .map(c -> Arrays.toString(c.icmp()) + c.source() + c.destination()).distinct().count();
        assertEquals(rows, distinct, "every row is a distinct input");
        org.junit.jupiter.api.Assertions.assertTrue(rows >= 30, rows + " rows");
    }
}
