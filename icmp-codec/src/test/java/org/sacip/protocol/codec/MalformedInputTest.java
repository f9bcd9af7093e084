package org.sacip.protocol.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.Set;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
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
    static byte[] v4(MessageKind kind, Function<byte[], byte[]> edit) {
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

    static Case v4Case(String name, MessageKind kind, Function<byte[], byte[]> edit, Reason reason) {
        return new Case(name, v4(kind, edit), V4_SRC, V4_DST, reason);
    }

    static UnaryOperator<byte[]> fill(int from, int to, int value) {
        return b -> {
            Arrays.fill(b, from, to, (byte) value);
            return b;
        };
    }

    /** Writes a whole 20-octet address at {@code offset}. */
    static UnaryOperator<byte[]> address(int offset, SacipAddress address) {
        return b -> {
            System.arraycopy(address.toWire(), 0, b, offset, SacipAddress.WIRE_LENGTH);
            return b;
        };
    }

    /** The golden IPv4 CLAIM (three entries) with its entries cut or repeated to {@code entries}, count unchanged. */
    static UnaryOperator<byte[]> claimEntries(int entries) {
        return b -> resized(b, CLAIM_ENTRIES, FieldLengthsOf.CLAIM_ENTRY, entries);
    }

    static UnaryOperator<byte[]> replyEntries(int entries) {
        return b -> resized(b, REPLY_ENTRIES, FieldLengthsOf.REPLY_ENTRY, entries);
    }

    /** Keeps the first entry's octets and repeats them {@code entries} times, then the MAC. */
    private static byte[] resized(byte[] message, int entriesAt, int entryLength, int entries) {
        byte[] out = new byte[entriesAt + entries * entryLength + 16];
        System.arraycopy(message, 0, out, 0, entriesAt);
        for (int i = 0; i < entries; i++) {
            System.arraycopy(message, entriesAt, out, entriesAt + i * entryLength, entryLength);
        }
        System.arraycopy(message, message.length - 16, out, out.length - 16, 16);
        return out;
    }

    static UnaryOperator<byte[]> count(int at, int count) {
        return b -> {
            b[at] = (byte) (count >>> 8);
            b[at + 1] = (byte) count;
            return b;
        };
    }

    /** Entry sizes, spelled out here so the table does not depend on the constants it tests. */
    static final class FieldLengthsOf {
        static final int CLAIM_ENTRY = 24;
        static final int REPLY_ENTRY = 8;
    }

    // Offsets in an ADDRESS_UPDATE: body at 12; key id 12..19, sequence 20..27, original 28..47, current 48..67.
    // In a CLAIM: key id 12..19, claim number 20..27, holder 28..47, peer 48..67, count 68..69, reserved 70..71,
    // entries from 72 (24 octets: protocol, flags, holder port, peer port, reserved, proof); the golden one has a TCP
    // entry at 72, a UDP entry at 96 and a TCP entry without record at 120.
    // In a CLAIM_REPLY: key id 12..19, number 20..27, seen holder 28..47, count 48..49, reserved 50..51, entries
    // from 52 (8 octets: verdict, protocol, holder port, peer port, seen holder port).
    static final int CLAIM_ENTRIES = 72;
    static final int REPLY_ENTRIES = 52;

    static Stream<Arguments> cases() {
        MessageKind hello = MessageKind.HELLO;
        MessageKind update = MessageKind.ADDRESS_UPDATE;
        MessageKind refusal = MessageKind.REFUSAL;
        MessageKind claim = MessageKind.CLAIM;
        MessageKind reply = MessageKind.CLAIM_REPLY;
        byte[] v6Hello = encoded(hello, AddressFamily.IPV6);
        SacipAddress loopback = SacipAddress.parse("127.0.0.1");
        SacipAddress v6Multicast = SacipAddress.parse("ff02::1");
        Case[] cases = {
            new Case("empty input", new byte[0], V4_SRC, V4_DST, Reason.TRUNCATED_ICMP_HEADER),
            new Case("three octets", new byte[] {(byte) 253, 0, 0}, V4_SRC, V4_DST, Reason.TRUNCATED_ICMP_HEADER),
            new Case("IPv4 source, IPv6 destination", encoded(hello, AddressFamily.IPV4), V4_SRC, V6_DST,
                    Reason.OUTER_ADDRESS_FAMILY_MISMATCH),
            new Case("loopback outer source", withChecksum(encoded(hello, AddressFamily.IPV4), loopback, V4_DST),
                    loopback, V4_DST, Reason.NON_UNICAST_OUTER_ADDRESS),
            new Case("multicast outer destination", withChecksum(encoded(hello, AddressFamily.IPV6), V6_SRC,
                    v6Multicast), V6_SRC, v6Multicast, Reason.NON_UNICAST_OUTER_ADDRESS),
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
            v4Case("version 1", hello, set(8, 1), Reason.UNSUPPORTED_VERSION),
            v4Case("version 3", hello, set(8, 3), Reason.UNSUPPORTED_VERSION),
            v4Case("kind 0", hello, set(9, 0), Reason.UNKNOWN_KIND),
            v4Case("kind 14 (TUNNEL_OPEN, UDP only) on a HELLO body", hello, set(9, 14), Reason.UDP_ONLY_KIND),
            v4Case("kind 15 (TUNNEL_ACCEPT, UDP only) on a HELLO body", hello, set(9, 15), Reason.UDP_ONLY_KIND),
            new Case("a whole TUNNEL_OPEN in ICMP", tunnelOpenInIcmp(), V4_SRC, V4_DST, Reason.UDP_ONLY_KIND),
            v4Case("kind 16", hello, set(9, 16), Reason.UNKNOWN_KIND),
            v4Case("kind 255", hello, set(9, 255), Reason.UNKNOWN_KIND),
            v4Case("reserved header high octet", hello, set(10, 0x80), Reason.RESERVED_HEADER_BITS),
            v4Case("reserved header low bit", hello, set(11, 0x01), Reason.RESERVED_HEADER_BITS),
            v4Case("HELLO one octet short", hello, length(43), Reason.TRUNCATED_BODY),
            v4Case("HELLO without body", hello, length(12), Reason.TRUNCATED_BODY),
            v4Case("REFUSAL kind with a HELLO body too long", hello, set(9, refusal.code()), Reason.TRAILING_BYTES),
            v4Case("HELLO with one trailing octet", hello, length(45), Reason.TRAILING_BYTES),
            v4Case("INIT_REPLY kind on a shorter HELLO body", hello, set(9, MessageKind.INIT_REPLY.code()),
                    Reason.TRUNCATED_BODY),
            v4Case("CLAIM with one entry, one octet short", claim, claimEntries(1).andThen(length(111)),
                    Reason.TRUNCATED_BODY),
            v4Case("CLAIM with no entry", claim, claimEntries(0).andThen(count(68, 0)), Reason.TRUNCATED_BODY),
            v4Case("CLAIM one octet short of three entries", claim, length(159), Reason.TRAILING_BYTES),
            v4Case("CLAIM with one trailing octet", claim, length(161), Reason.TRAILING_BYTES),
            v4Case("CLAIM of 41 entries", claim, claimEntries(41).andThen(count(68, 41)), Reason.TRAILING_BYTES),
            v4Case("CLAIM_REPLY one octet short of three entries", reply, length(91), Reason.TRAILING_BYTES),
            v4Case("CLAIM_REPLY with no entry", reply, replyEntries(0).andThen(count(48, 0)), Reason.TRUNCATED_BODY),
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
            v4Case("original address multicast 224.0.0.1", update,
                    address(28, SacipAddress.parse("224.0.0.1")), Reason.NON_UNICAST_ADDRESS),
            v4Case("claim holder address 0.0.0.0", claim, address(28, SacipAddress.parse("0.0.0.0")),
                    Reason.NON_UNICAST_ADDRESS),
            v4Case("claim reply seen holder 255.255.255.255", reply,
                    address(28, SacipAddress.parse("255.255.255.255")), Reason.NON_UNICAST_ADDRESS),
            v4Case("original IPv6, current IPv4", update, set(28, 6), Reason.ADDRESS_FAMILY_MISMATCH),
            v4Case("claim holder IPv6, peer IPv4", claim, set(28, 6), Reason.ADDRESS_FAMILY_MISMATCH),
            v4Case("claim of IPv6 sessions over IPv4", claim, set(28, 6).andThen(set(48, 6)),
                    Reason.ADDRESS_FAMILY_NOT_OUTER_FAMILY),
            v4Case("claim reply of an IPv6 holder over IPv4", reply, set(28, 6),
                    Reason.ADDRESS_FAMILY_NOT_OUTER_FAMILY),
            v4Case("sequence number 0", update, fill(20, 28, 0), Reason.ZERO_SEQUENCE),
            v4Case("acknowledgement with sequence number 0", MessageKind.UPDATE_ACK, fill(20, 28, 0),
                    Reason.ZERO_SEQUENCE),
            v4Case("claim number 0", claim, fill(20, 28, 0), Reason.ZERO_CLAIM_NUMBER),
            v4Case("claim reply number 0", reply, fill(20, 28, 0), Reason.ZERO_CLAIM_NUMBER),
            v4Case("claim count 0 for three entries", claim, count(68, 0), Reason.BAD_ENTRY_COUNT),
            v4Case("claim count 2 for three entries", claim, count(68, 2), Reason.BAD_ENTRY_COUNT),
            v4Case("claim count 41 for 40 entries", claim, claimEntries(40).andThen(count(68, 41)),
                    Reason.BAD_ENTRY_COUNT),
            v4Case("claim reply count 4 for three entries", reply, count(48, 4), Reason.BAD_ENTRY_COUNT),
            v4Case("claim reserved octet", claim, set(71, 1), Reason.RESERVED_CLAIM_BITS),
            v4Case("claim entry reserved octet", claim, set(96 + 6, 0x80), Reason.RESERVED_CLAIM_BITS),
            v4Case("claim reply reserved octet", reply, set(50, 0x10), Reason.RESERVED_CLAIM_BITS),
            v4Case("claim entry protocol 1", claim, set(72, 1), Reason.UNKNOWN_CLAIM_PROTOCOL),
            v4Case("claim reply entry protocol 0", reply, set(53, 0), Reason.UNKNOWN_CLAIM_PROTOCOL),
            v4Case("claim entry flag 0x02", claim, set(73, 0x02), Reason.UNKNOWN_CLAIM_FLAGS),
            v4Case("claim entry flags 0x81", claim, set(121, 0x81), Reason.UNKNOWN_CLAIM_FLAGS),
            v4Case("claim entry holder port 0", claim, fill(74, 76, 0), Reason.ZERO_PORT),
            v4Case("claim entry peer port 0", claim, fill(100, 102, 0), Reason.ZERO_PORT),
            v4Case("claim reply seen holder port 0", reply, fill(58, 60, 0), Reason.ZERO_PORT),
            v4Case("entry without record with a proof", claim, set(143, 1), Reason.NONZERO_PROOF_WITHOUT_RECORD),
            v4Case("TCP proof tail not zero", claim, set(95, 1), Reason.NONZERO_TCP_PROOF_TAIL),
            v4Case("update sent from another address", update, set(55, 7), Reason.OUTER_SOURCE_NOT_CURRENT_ADDRESS),
            v4Case("refusal reason 0", refusal, set(13, 0), Reason.UNKNOWN_REFUSAL_REASON),
            v4Case("refusal reason 5", refusal, set(13, 5), Reason.UNKNOWN_REFUSAL_REASON),
            v4Case("refusal reserved bits", refusal, set(15, 1), Reason.RESERVED_REFUSAL_BITS),
            v4Case("claim reply verdict 0", reply, set(52, 0), Reason.UNKNOWN_CLAIM_VERDICT),
            v4Case("claim reply verdict 8", reply, set(60, 8), Reason.UNKNOWN_CLAIM_VERDICT),
            v4Case("65000 trailing octets", hello, length(65000), Reason.TRAILING_BYTES),
        };
        return Stream.of(cases).map(Arguments::of);
    }

    /** The SACIP part of the golden TUNNEL_OPEN datagram behind an ICMP header, as a confused sender would send it. */
    private static byte[] tunnelOpenInIcmp() {
        byte[] datagram = UdpMessages.encoded(MessageKind.TUNNEL_OPEN, AddressFamily.IPV4);
        byte[] icmp = new byte[datagram.length - UdpFraming.SACIP_PART_OFFSET + WireFormat.ICMP_HEADER_LENGTH];
        icmp[0] = (byte) AddressFamily.IPV4.icmpType();
        System.arraycopy(datagram, UdpFraming.SACIP_PART_OFFSET, icmp, WireFormat.ICMP_HEADER_LENGTH,
                datagram.length - UdpFraming.SACIP_PART_OFFSET);
        return withChecksum(icmp, V4_SRC, V4_DST);
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

    @Test
    void tableHasDistinctInputsAndEveryReason() {
        long rows = cases().count();
        long distinct = cases().map(a -> (Case) a.get()[0])
                .map(c -> Arrays.toString(c.icmp()) + c.source() + c.destination()).distinct().count();
        assertEquals(rows, distinct, "every row is a distinct input");
        Set<Reason> covered = cases().map(a -> ((Case) a.get()[0]).reason()).collect(Collectors.toSet());
        Set<Reason> missing = EnumSet.allOf(Reason.class);
        missing.removeAll(covered);
        missing.removeAll(UdpMalformedInputTest.UDP_FRAMING_REASONS);
        assertEquals(Set.of(), missing, "reasons without a row in the table");
    }
}
