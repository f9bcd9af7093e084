package org.sacip.protocol.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.EnumSet;
import java.util.Set;
import java.util.function.Function;
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
 * A table of distinct malformed SACIP-over-UDP datagrams; each must be rejected with its own reason. Offsets: framing
 * header 0..7 (magic, framing version 4, type 5, reserved 6..7), stated source address 8..27, stated destination
 * address 28..47, stated source port 48..49, stated destination port 50..51, SACIP part from 52 (an ICMP message's
 * octet {@code n} is the datagram's {@code n + 48}). A TUNNEL_OPEN or TUNNEL_ACCEPT (116 octets) has its key id at
 * 60..67, the opener nonce at 68..83, the reserved octets (OPEN) or the accepter nonce (ACCEPT) at 84..99 and the
 * MAC at 100..115.
 */
class UdpMalformedInputTest {
    private static final AddressFamily V4 = AddressFamily.IPV4;
    private static final SacipAddress V4_SRC = UdpMessages.source(V4);
    private static final SacipAddress V4_DST = UdpMessages.destination(V4);
    private static final int SACIP = UdpFraming.SACIP_PART_OFFSET;
    /** The reasons only the UDP framing has; {@link MalformedInputTest} covers every other one over ICMP. */
    static final Set<Reason> UDP_FRAMING_REASONS = Set.copyOf(EnumSet.of(Reason.TRUNCATED_UDP_HEADER,
            Reason.BAD_UDP_MAGIC, Reason.UNSUPPORTED_UDP_FRAMING_VERSION, Reason.UNKNOWN_UDP_TYPE,
            Reason.RESERVED_UDP_HEADER_BITS, Reason.TRUNCATED_PATH_HEADER, Reason.DATA_DATAGRAM));

    /** One malformed datagram and the IP addresses it arrives with. */
    record Case(String name, byte[] datagram, SacipAddress source, SacipAddress destination, Reason reason) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Case v4Case(String name, MessageKind kind, Function<byte[], byte[]> edit, Reason reason) {
        return new Case(name, edit.apply(UdpMessages.encoded(kind, V4)), V4_SRC, V4_DST, reason);
    }

    static Stream<Arguments> cases() {
        MessageKind hello = MessageKind.HELLO;
        MessageKind update = MessageKind.ADDRESS_UPDATE;
        MessageKind claim = MessageKind.CLAIM;
        MessageKind open = MessageKind.TUNNEL_OPEN;
        MessageKind accept = MessageKind.TUNNEL_ACCEPT;
        SacipAddress loopback = SacipAddress.parse("127.0.0.1");
        SacipAddress v6Src = UdpMessages.source(AddressFamily.IPV6);
        SacipAddress v6Dst = UdpMessages.destination(AddressFamily.IPV6);
        byte[] v4Hello = UdpMessages.encoded(hello, V4);
        Case[] cases = {
            new Case("IPv4 source, IPv6 destination", v4Hello, V4_SRC, v6Dst, Reason.OUTER_ADDRESS_FAMILY_MISMATCH),
            new Case("loopback IP source", v4Hello, loopback, V4_DST, Reason.NON_UNICAST_OUTER_ADDRESS),
            new Case("empty datagram", new byte[0], V4_SRC, V4_DST, Reason.TRUNCATED_UDP_HEADER),
            v4Case("framing header cut at 7 octets", hello, MalformedInputTest.length(7), Reason.TRUNCATED_UDP_HEADER),
            new Case("ICMP-framed SACIP part sent to the UDP port", MalformedInputTest.encoded(hello, V4), V4_SRC,
                    V4_DST, Reason.BAD_UDP_MAGIC),
            new Case("SACIP header where the framing header belongs",
                    java.util.Arrays.copyOfRange(v4Hello, SACIP, v4Hello.length), V4_SRC, V4_DST,
                    Reason.BAD_UDP_MAGIC),
            v4Case("UDP magic lower case", hello, MalformedInputTest.set(3, 'u'), Reason.BAD_UDP_MAGIC),
            v4Case("framing version 0", hello, MalformedInputTest.set(4, 0), Reason.UNSUPPORTED_UDP_FRAMING_VERSION),
            v4Case("framing version 2", hello, MalformedInputTest.set(4, 2), Reason.UNSUPPORTED_UDP_FRAMING_VERSION),
            v4Case("type 0", hello, MalformedInputTest.set(5, 0), Reason.UNKNOWN_UDP_TYPE),
            v4Case("type 2 (a tunnel's data datagram)", hello, MalformedInputTest.set(5, 2), Reason.DATA_DATAGRAM),
            v4Case("type 3", hello, MalformedInputTest.set(5, 3), Reason.UNKNOWN_UDP_TYPE),
            v4Case("reserved framing octet 6", hello, MalformedInputTest.set(6, 0x80), Reason.RESERVED_UDP_HEADER_BITS),
            v4Case("reserved framing octet 7", hello, MalformedInputTest.set(7, 1), Reason.RESERVED_UDP_HEADER_BITS),
            v4Case("framing header only", hello, MalformedInputTest.length(8), Reason.TRUNCATED_PATH_HEADER),
            v4Case("stated endpoints cut before the last port octet", hello, MalformedInputTest.length(51),
                    Reason.TRUNCATED_PATH_HEADER),
            v4Case("stated source family 5", hello, MalformedInputTest.set(8, 5), Reason.UNKNOWN_ADDRESS_FAMILY),
            v4Case("stated destination family 0", hello, MalformedInputTest.set(28, 0),
                    Reason.UNKNOWN_ADDRESS_FAMILY),
            v4Case("stated source reserved octet", hello, MalformedInputTest.set(9, 1), Reason.RESERVED_ADDRESS_BITS),
            v4Case("stated destination IPv4 tail", hello, MalformedInputTest.set(47, 1),
                    Reason.NONZERO_ADDRESS_TAIL),
            v4Case("stated source loopback", hello, MalformedInputTest.address(8, loopback),
                    Reason.NON_UNICAST_ADDRESS),
            v4Case("stated destination broadcast", hello,
                    MalformedInputTest.address(28, SacipAddress.parse("255.255.255.255")), Reason.NON_UNICAST_ADDRESS),
            v4Case("stated source IPv6, destination IPv4", hello, MalformedInputTest.address(8, v6Src),
                    Reason.ADDRESS_FAMILY_MISMATCH),
            v4Case("stated IPv6 endpoints in an IPv4 packet", hello,
                    MalformedInputTest.address(8, v6Src).andThen(MalformedInputTest.address(28, v6Dst)),
                    Reason.ADDRESS_FAMILY_NOT_OUTER_FAMILY),
            v4Case("stated source port 0", hello, MalformedInputTest.fill(48, 50, 0), Reason.ZERO_PORT),
            v4Case("stated destination port 0", hello, MalformedInputTest.fill(50, 52, 0), Reason.ZERO_PORT),
            v4Case("stated endpoints without SACIP part", hello, MalformedInputTest.length(52),
                    Reason.TRUNCATED_SACIP_HEADER),
            v4Case("SACIP header cut at 7 octets", hello, MalformedInputTest.length(59), Reason.TRUNCATED_SACIP_HEADER),
            v4Case("SACIP magic wrong", hello, MalformedInputTest.set(SACIP + 3, 'U'), Reason.BAD_MAGIC),
            v4Case("SACIP version 1", hello, MalformedInputTest.set(SACIP + 4, 1), Reason.UNSUPPORTED_VERSION),
            v4Case("kind 16", hello, MalformedInputTest.set(SACIP + 5, 16), Reason.UNKNOWN_KIND),
            v4Case("reserved SACIP header bit", hello, MalformedInputTest.set(SACIP + 7, 1),
                    Reason.RESERVED_HEADER_BITS),
            v4Case("HELLO one octet short", hello, MalformedInputTest.length(91), Reason.TRUNCATED_BODY),
            v4Case("HELLO with one trailing octet", hello, MalformedInputTest.length(93), Reason.TRAILING_BYTES),
            v4Case("HELLO padding not zero", hello, MalformedInputTest.set(91, 1), Reason.NONZERO_PADDING),
            v4Case("update from another address than its current one", update,
                    MalformedInputTest.address(8, SacipAddress.parse("198.18.0.7")),
                    Reason.OUTER_SOURCE_NOT_CURRENT_ADDRESS),
            v4Case("claim of IPv6 sessions between stated IPv4 endpoints", claim,
                    MalformedInputTest.set(SACIP + 24, 6).andThen(MalformedInputTest.set(SACIP + 44, 6)),
                    Reason.ADDRESS_FAMILY_NOT_OUTER_FAMILY),
            v4Case("claim entry with port 0", claim, MalformedInputTest.fill(MalformedInputTest.CLAIM_ENTRIES + 48 + 2,
                    MalformedInputTest.CLAIM_ENTRIES + 48 + 4, 0), Reason.ZERO_PORT),
            v4Case("TUNNEL_OPEN one octet short", open, MalformedInputTest.length(115), Reason.TRUNCATED_BODY),
            v4Case("TUNNEL_OPEN with one trailing octet", open, MalformedInputTest.length(117),
                    Reason.TRAILING_BYTES),
            v4Case("TUNNEL_OPEN kind on a HELLO body", hello, MalformedInputTest.set(SACIP + 5, 14),
                    Reason.TRUNCATED_BODY),
            v4Case("TUNNEL_OPEN reserved first octet", open, MalformedInputTest.set(84, 1), Reason.NONZERO_PADDING),
            v4Case("TUNNEL_OPEN reserved last octet", open, MalformedInputTest.set(99, 0x80), Reason.NONZERO_PADDING),
            v4Case("TUNNEL_ACCEPT without its MAC", accept, MalformedInputTest.length(100), Reason.TRUNCATED_BODY),
            v4Case("TUNNEL_ACCEPT with 16 trailing octets", accept, MalformedInputTest.length(132),
                    Reason.TRAILING_BYTES),
            v4Case("TUNNEL_ACCEPT kind on a CLAIM body", claim, MalformedInputTest.set(SACIP + 5, 15),
                    Reason.TRAILING_BYTES),
            v4Case("TUNNEL_OPEN with a nonzero reserved header octet", open, MalformedInputTest.set(SACIP + 6, 1),
                    Reason.RESERVED_HEADER_BITS),
        };
        return Stream.of(cases).map(Arguments::of);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void isRejectedForItsReason(Case c) {
        SacipCodecException e = assertThrows(SacipCodecException.class,
                () -> UdpDecoder.decode(c.datagram(), c.source(), c.destination()), c.name() + " was accepted");
        assertEquals(c.reason(), e.reason(), c.name() + ": " + e.getMessage());
    }

    @Test
    void tableHasDistinctInputs() {
        assertEquals(cases().count(), cases().map(a -> (Case) a.get()[0])
                .map(c -> java.util.Arrays.toString(c.datagram()) + c.source() + c.destination()).distinct().count());
    }

    @Test
    void everyUdpFramingReasonHasACase() {
        Set<Reason> udpOnly = EnumSet.copyOf(UDP_FRAMING_REASONS);
        cases().forEach(a -> udpOnly.remove(((Case) a.get()[0]).reason()));
        assertEquals(Set.of(), udpOnly);
    }
}
