package org.sacip.protocol.codec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.BufferOverflowException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.sacip.protocol.message.AddressFamily;
import org.sacip.protocol.message.AddressUpdate;
import org.sacip.protocol.message.MessageKind;
import org.sacip.protocol.message.Octets;
import org.sacip.protocol.message.SacipAddress;
import org.sacip.protocol.message.SacipMessage;
import org.sacip.protocol.message.UdpEndpoint;

/** SACIP over UDP (docs/PROTOCOL.md section 13): framing, round trips, and what a NAT may and may not change. */
class UdpCodecTest {
    static Stream<Arguments> kindsAndFamilies() {
        return Stream.of(MessageKind.values())
                .flatMap(kind -> Stream.of(AddressFamily.values()).map(family -> Arguments.of(kind, family)));
    }

    static Stream<Arguments> icmpKindsAndFamilies() {
        return GoldenVectorTest.vectors();
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("kindsAndFamilies")
    void everyKindRoundTripsOverUdp(MessageKind kind, AddressFamily family) throws Exception {
        SacipMessage message = GoldenMessages.of(kind, family);
        byte[] datagram = UdpEncoder.encode(message, UdpMessages.envelope(family));
        assertEquals(UdpEncoder.encodedLength(message), datagram.length);
        UdpDatagram decoded = UdpDecoder.decode(datagram, UdpMessages.source(family), UdpMessages.destination(family));
        assertEquals(message, decoded.message());
        assertEquals(UdpMessages.envelope(family), decoded.envelope());
        assertArrayEquals(datagram, UdpEncoder.encode(decoded.message(), decoded.envelope()));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("icmpKindsAndFamilies")
    void theSacipPartIsTheIcmpMessagesOwn(MessageKind kind, AddressFamily family) {
        byte[] icmp = MalformedInputTest.encoded(kind, family);
        byte[] datagram = UdpMessages.encoded(kind, family);
        assertArrayEquals(Arrays.copyOfRange(icmp, WireFormat.ICMP_HEADER_LENGTH, icmp.length),
                Arrays.copyOfRange(datagram, UdpFraming.SACIP_PART_OFFSET, datagram.length));
    }

    @Test
    void headerAndStatedEndpointsAreLaidOutAsSpecified() {
        byte[] datagram = UdpMessages.encoded(MessageKind.HELLO, AddressFamily.IPV4);
        assertEquals("53414355" + "01" + "01" + "0000"
                + "04000000" + "c6120001" + "000000000000000000000000"
                + "04000000" + "c6120002" + "000000000000000000000000"
                + "9c40" + "109d" + "53414349" + "02" + "01" + "0000",
                Octets.of(Arrays.copyOf(datagram, 60)).toHex());
        assertEquals(92, datagram.length);
    }

    @Test
    void tunnelOpenAndAcceptAreLaidOutAsSpecifiedAndEquallyLong() {
        byte[] open = UdpMessages.encoded(MessageKind.TUNNEL_OPEN, AddressFamily.IPV4);
        byte[] accept = UdpMessages.encoded(MessageKind.TUNNEL_ACCEPT, AddressFamily.IPV4);
        assertEquals(116, open.length);
        assertEquals(open.length, accept.length, "an accept never amplifies its open");
        assertEquals("53414349" + "02" + "0e" + "0000" + "4b".repeat(8) + "0e".repeat(16) + "00".repeat(16)
                + "aa".repeat(16), Octets.of(Arrays.copyOfRange(open, 52, 116)).toHex());
        assertEquals("53414349" + "02" + "0f" + "0000" + "4b".repeat(8) + "0e".repeat(16) + "ac".repeat(16)
                + "aa".repeat(16), Octets.of(Arrays.copyOfRange(accept, 52, 116)).toHex());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("tunnelKinds")
    void tunnelKindsAreNeverEncodedOverIcmp(MessageKind kind) {
        SacipMessage message = GoldenMessages.of(kind, AddressFamily.IPV4);
        assertThrows(IllegalArgumentException.class, () -> SacipEncoder.encode(message,
                UdpMessages.source(AddressFamily.IPV4), UdpMessages.destination(AddressFamily.IPV4)));
    }

    static Stream<MessageKind> tunnelKinds() {
        return Stream.of(MessageKind.values()).filter(MessageKind::udpOnly);
    }

    @Test
    void randomTunnelMessagesRoundTripOverUdp() throws Exception {
        Random random = new Random(15);
        RandomMessages messages = new RandomMessages(random);
        for (int i = 0; i < 2000; i++) {
            MessageKind kind = random.nextBoolean() ? MessageKind.TUNNEL_OPEN : MessageKind.TUNNEL_ACCEPT;
            SacipMessage message = messages.of(kind);
            AddressFamily family = messages.family();
            UdpEnvelope envelope = new UdpEnvelope(new UdpEndpoint(messages.address(family), 1 + random.nextInt(65535)),
                    new UdpEndpoint(messages.address(family), 1 + random.nextInt(65535)));
            UdpDatagram decoded = UdpDecoder.decode(UdpEncoder.encode(message, envelope), envelope.source(),
                    envelope.destination());
            assertEquals(message, decoded.message());
            assertEquals(envelope, decoded.envelope());
        }
    }

    @Test
    void theLargestClaimFitsTheIpv6MinimumMtu() {
        assertEquals(1096, UdpFraming.MAX_DATAGRAM_LENGTH);
        assertTrue(UdpFraming.MAX_DATAGRAM_LENGTH + 8 + 40 <= 1280);
    }

    @Test
    void anUpdateThroughANatDecodesAndShowsTheTranslation() throws Exception {
        // A at 198.18.0.1:40000 behind a NAT whose public endpoint is 198.19.255.1:61000; its update states its own
        // address, which is also the update's current address, and arrives from the NAT's.
        SacipMessage update = GoldenMessages.of(MessageKind.ADDRESS_UPDATE, AddressFamily.IPV4);
        UdpEnvelope stated = UdpMessages.envelope(AddressFamily.IPV4);
        byte[] datagram = UdpEncoder.encode(update, stated);
        UdpDatagram received = UdpDecoder.decode(datagram, UdpMessages.NAT_PUBLIC_V4.address(),
                UdpMessages.destination(AddressFamily.IPV4));
        assertEquals(update, received.message());
        assertEquals(stated.statedSource().address(), ((AddressUpdate) received.message()).currentAddress());
        assertTrue(received.envelope().sourceTranslated(UdpMessages.NAT_PUBLIC_V4));
        assertFalse(received.envelope().destinationTranslated(stated.statedDestination()));
        assertFalse(received.envelope().sourceTranslated(stated.statedSource()));
    }

    @Test
    void aPortTranslationAloneIsATranslation() {
        UdpEnvelope stated = UdpMessages.envelope(AddressFamily.IPV4);
        UdpEndpoint samePublicAddressOtherPort = new UdpEndpoint(stated.source(), UdpMessages.SOURCE_PORT + 1);
        assertTrue(stated.sourceTranslated(samePublicAddressOtherPort));
        assertTrue(stated.destinationTranslated(new UdpEndpoint(stated.destination(), 4500)));
    }

    @Test
    void decodingLeavesTheBufferWhereItWas() throws Exception {
        byte[] datagram = UdpMessages.encoded(MessageKind.CLAIM, AddressFamily.IPV6);
        ByteBuffer buffer = ByteBuffer.allocate(datagram.length + 7);
        buffer.position(7);
        buffer.put(datagram).position(7);
        UdpDecoder.decode(buffer, UdpMessages.source(AddressFamily.IPV6), UdpMessages.destination(AddressFamily.IPV6));
        assertEquals(7, buffer.position());
    }

    @Test
    void theEncoderWritesNothingIntoABufferTooSmall() {
        SacipMessage hello = GoldenMessages.of(MessageKind.HELLO, AddressFamily.IPV4);
        ByteBuffer small = ByteBuffer.allocate(91);
        assertThrows(BufferOverflowException.class,
                () -> UdpEncoder.encode(hello, UdpMessages.envelope(AddressFamily.IPV4), small));
        assertEquals(0, small.position());
    }

    @Test
    void theEncoderRefusesAClaimOfAnotherFamilyThanItsEndpoints() {
        SacipMessage v6Claim = GoldenMessages.of(MessageKind.CLAIM, AddressFamily.IPV6);
        assertThrows(IllegalArgumentException.class,
                () -> UdpEncoder.encode(v6Claim, UdpMessages.envelope(AddressFamily.IPV4)));
    }

    @Test
    void endpointsAndEnvelopesRefuseWhatCannotBeSent() {
        SacipAddress v4 = SacipAddress.parse("198.18.0.1");
        assertThrows(IllegalArgumentException.class, () -> new UdpEndpoint(v4, 0));
        assertThrows(IllegalArgumentException.class, () -> new UdpEndpoint(v4, 65536));
        assertThrows(IllegalArgumentException.class, () -> UdpEndpoint.of("127.0.0.1", 4253));
        assertThrows(IllegalArgumentException.class, () -> new UdpEnvelope(new UdpEndpoint(v4, 1),
                UdpEndpoint.of("2001:db8::2", 4253)));
        assertEquals("[" + SacipAddress.parse("2001:db8::2") + "]:4253",
                UdpEndpoint.of("2001:db8::2", 4253).toString());
        assertEquals("198.18.0.1:1", new UdpEndpoint(v4, 1).toString());
    }

    @Test
    void randomOctetsAfterAValidFramingNeverEscapeAsAnotherException() {
        Random random = new Random(7);
        byte[] prefix = Arrays.copyOf(UdpMessages.encoded(MessageKind.HELLO, AddressFamily.IPV4), 52);
        for (int i = 0; i < 20_000; i++) {
            byte[] datagram = Arrays.copyOf(prefix, 52 + random.nextInt(1100));
            for (int j = 52; j < datagram.length; j++) {
                datagram[j] = (byte) random.nextInt(256);
            }
            if (random.nextBoolean()) {
                System.arraycopy(new byte[] {0x53, 0x41, 0x43, 0x49, 2, (byte) (1 + random.nextInt(13)), 0, 0}, 0,
                        datagram, 52, Math.min(8, datagram.length - 52));
            }
            try {
                UdpDatagram decoded = UdpDecoder.decode(datagram, UdpMessages.source(AddressFamily.IPV4),
                        UdpMessages.destination(AddressFamily.IPV4));
                assertArrayEquals(datagram, UdpEncoder.encode(decoded.message(), decoded.envelope()));
            } catch (SacipCodecException expected) {
                // malformed: the only way to fail
            }
        }
    }
}
