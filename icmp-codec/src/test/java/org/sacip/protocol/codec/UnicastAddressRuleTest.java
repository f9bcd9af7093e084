package org.sacip.protocol.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HexFormat;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.sacip.protocol.codec.SacipCodecException.Reason;
import org.sacip.protocol.message.AddressFamily;
import org.sacip.protocol.message.MessageKind;
import org.sacip.protocol.message.SacipAddress;

/**
 * The address rule of section 3: an address that cannot be a unicast host address is malformed wherever it
 * appears, in a body or as an outer address; the boundaries of every excluded range are checked on both sides.
 */
class UnicastAddressRuleTest {
    /** Every excluded range, at its first and last address (and a typical one). */
    static Stream<SacipAddress> notUnicast() {
        Stream<SacipAddress> literals = Stream.of("0.0.0.0", "0.255.255.255", "127.0.0.0", "127.0.0.1",
                "127.255.255.255", "224.0.0.0", "224.0.0.1", "239.255.255.255", "240.0.0.0", "255.255.255.254",
                "255.255.255.255", "::", "::1", "ff00::", "ff02::1", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff")
                .map(SacipAddress::parse);
        // IPv4-mapped IPv6 addresses: the JDK parses their literals as IPv4, so they are built from octets.
        Stream<SacipAddress> mapped = Stream.of("00000000000000000000ffff00000000",
                "00000000000000000000ffffc6120001", "00000000000000000000ffffffffffff")
                .map(UnicastAddressRuleTest::v6);
        return Stream.concat(literals, mapped);
    }

    private static SacipAddress v6(String hex) {
        return SacipAddress.of(AddressFamily.IPV6, HexFormat.of().parseHex(hex));
    }

    @ParameterizedTest
    @ValueSource(strings = {"1.0.0.0", "126.255.255.255", "128.0.0.0", "223.255.255.255", "169.254.1.1",
        "10.0.0.1", "198.18.0.1", "::2", "::1:0", "::fffe:0:0", "::1:ffff:0:0", "fe80::1", "feff::1",
        "2001:db8::1", "fc00::1"})
    void unicastAndLinkLocalAddressesPass(String literal) {
        assertTrue(SacipAddress.parse(literal).isUnicastHost(), literal);
    }

    @ParameterizedTest
    @MethodSource("notUnicast")
    void excludedAddressesAreNotUnicast(SacipAddress address) {
        assertFalse(address.isUnicastHost(), address.toString());
        assertThrows(IllegalArgumentException.class, () -> address.requireUnicastHost("test"));
    }

    /** One body address field: the kind, its offset in the ICMP message. */
    static Stream<Arguments> fieldsAndAddresses() {
        int[][] fields = {
            {MessageKind.ADDRESS_UPDATE.code(), 28}, {MessageKind.ADDRESS_UPDATE.code(), 48},
            {MessageKind.UPDATE_ACK.code(), 28}, {MessageKind.UPDATE_ACK.code(), 48},
            {MessageKind.CLAIM.code(), 28}, {MessageKind.CLAIM.code(), 48}, {MessageKind.CLAIM_REPLY.code(), 28}};
        return notUnicast().flatMap(a -> Stream.of(fields).map(f -> Arguments.of(
                MessageKind.fromCode(f[0]).orElseThrow(), f[1], a)));
    }

    @ParameterizedTest(name = "{0} at {1}: {2}")
    @MethodSource("fieldsAndAddresses")
    void bodyAddressIsRejected(MessageKind kind, int offset, SacipAddress address) {
        AddressFamily family = address.family();
        SacipAddress source = GoldenMessages.source(family);
        SacipAddress destination = GoldenMessages.destination(family);
        byte[] icmp = SacipEncoder.encode(GoldenMessages.of(kind, family), source, destination);
        System.arraycopy(address.toWire(), 0, icmp, offset, SacipAddress.WIRE_LENGTH);
        IcmpChecksum.rewrite(icmp, source, destination);
        SacipCodecException e = assertThrows(SacipCodecException.class,
                () -> SacipDecoder.decode(icmp, source, destination));
        assertEquals(Reason.NON_UNICAST_ADDRESS, e.reason(), e.getMessage());
    }

    @ParameterizedTest
    @MethodSource("notUnicast")
    void outerAddressIsRejectedAndNeverEncoded(SacipAddress address) {
        AddressFamily family = address.family();
        SacipAddress unicast = GoldenMessages.source(family);
        for (SacipAddress[] outer : new SacipAddress[][] {{address, unicast}, {unicast, address}}) {
            // A HELLO carries no address: only the outer rule can reject it.
            byte[] icmp = SacipEncoder.encode(GoldenMessages.of(MessageKind.HELLO, family), unicast,
                    GoldenMessages.destination(family));
            IcmpChecksum.rewrite(icmp, outer[0], outer[1]);
            SacipCodecException e = assertThrows(SacipCodecException.class,
                    () -> SacipDecoder.decode(icmp, outer[0], outer[1]));
            assertEquals(Reason.NON_UNICAST_OUTER_ADDRESS, e.reason(), e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> SacipEncoder.encode(
                    GoldenMessages.of(MessageKind.HELLO, family), outer[0], outer[1]));
        }
    }
}
