package org.sacip.protocol.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.sacip.protocol.codec.Envelope;
import org.sacip.protocol.codec.UdpDatagram;
import org.sacip.protocol.codec.UdpDecoder;
import org.sacip.protocol.codec.UdpEncoder;
import org.sacip.protocol.codec.UdpEnvelope;
import org.sacip.protocol.codec.UdpFraming;
import org.sacip.protocol.handshake.StatelessCookies;
import org.sacip.protocol.message.AuthenticatedMessage;
import org.sacip.protocol.message.Octets;
import org.sacip.protocol.message.PathChallenge;
import org.sacip.protocol.message.SacipAddress;
import org.sacip.protocol.message.UdpEndpoint;

/**
 * The MAC over UDP covers the framing header, the stated endpoints and the SACIP part (docs/PROTOCOL.md section
 * 13.3): what a NAT rewrites (the IP and UDP headers) does not enter it, what the sender stated does, and a message
 * authenticated for one transport never verifies on the other. Cookies over UDP bind the observed endpoints.
 */
class UdpAuthenticationTest {
    private static final Octets KEY =
            Octets.fromHex("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f");
    private static final UdpEndpoint A = UdpEndpoint.of("198.18.0.1", 40000);
    private static final UdpEndpoint B = UdpEndpoint.of("198.18.0.2", UdpFraming.DEFAULT_PORT);
    private static final UdpEndpoint NAT = UdpEndpoint.of("198.19.255.1", 61000);
    private static final UdpEnvelope A_TO_B = new UdpEnvelope(A, B);

    private static PathChallenge challenge() {
        return new PathChallenge(Octets.fromHex("0102030405060708"), Octets.fromHex("a0a1a2a3a4a5a6a7a8a9aaabacadaeaf"),
                Octets.zeros(16));
    }

    @Test
    void theMacIsTheDatagramsOwnWithTheMacZeroed() {
        PathChallenge signed = MessageAuthenticator.sign(challenge(), KEY, A_TO_B);
        byte[] unsigned = UdpEncoder.encode(challenge(), A_TO_B);
        byte[] expected = Arrays.copyOf(HmacSha256.mac(KEY.toByteArray(), unsigned), 16);
        assertArrayEquals(expected, signed.mac().toByteArray());
        byte[] datagram = UdpEncoder.encode(signed, A_TO_B);
        assertArrayEquals(expected, Arrays.copyOfRange(datagram, datagram.length - 16, datagram.length));
    }

    @Test
    void aMessageThroughANatVerifiesWithTheEndpointsItStates() throws Exception {
        byte[] datagram = UdpEncoder.encode(MessageAuthenticator.sign(challenge(), KEY, A_TO_B), A_TO_B);
        UdpDatagram received = UdpDecoder.decode(datagram, NAT.address(), B.address());
        assertTrue(MessageAuthenticator.isValid((AuthenticatedMessage) received.message(), KEY, received.envelope()));
        assertTrue(received.envelope().sourceTranslated(NAT));
    }

    @Test
    void everyStatedFieldIsCovered() {
        PathChallenge signed = MessageAuthenticator.sign(challenge(), KEY, A_TO_B);
        UdpEnvelope[] altered = {
            new UdpEnvelope(new UdpEndpoint(A.address(), A.port() + 1), B),
            new UdpEnvelope(new UdpEndpoint(SacipAddress.parse("198.18.0.3"), A.port()), B),
            new UdpEnvelope(A, new UdpEndpoint(B.address(), 4500)),
            new UdpEnvelope(A, NAT),
            new UdpEnvelope(B, A),
        };
        for (UdpEnvelope envelope : altered) {
            assertFalse(MessageAuthenticator.isValid(signed, KEY, envelope), envelope.toString());
        }
    }

    @Test
    void aMessageAuthenticatedForOneTransportFailsOnTheOther() {
        Envelope icmp = new Envelope.Icmp(A.address(), B.address());
        PathChallenge overIcmp = MessageAuthenticator.sign(challenge(), KEY, icmp);
        PathChallenge overUdp = MessageAuthenticator.sign(challenge(), KEY, A_TO_B);
        assertNotEquals(overIcmp.mac(), overUdp.mac());
        assertFalse(MessageAuthenticator.isValid(overIcmp, KEY, A_TO_B));
        assertFalse(MessageAuthenticator.isValid(overUdp, KEY, icmp));
        assertTrue(icmp.macPrefix()[0] == 4 && A_TO_B.macPrefix()[0] == 'S');
    }

    @Test
    void udpCookiesBindTheObservedEndpointsPortsIncluded() {
        StatelessCookies cookies = StatelessCookies.withSecret(Octets.of(new byte[32]));
        Instant now = Instant.ofEpochSecond(1_800_000_000L);
        Octets nonce = Octets.fromHex("000102030405060708090a0b0c0d0e0f");
        Octets cookie = cookies.mint(now, NAT, B, nonce);
        assertTrue(cookies.verify(cookie, now.plusSeconds(60), NAT, B, nonce));
        // The neighbour behind the same NAT has the same public address and another port.
        assertFalse(cookies.verify(cookie, now, new UdpEndpoint(NAT.address(), NAT.port() + 1), B, nonce));
        assertFalse(cookies.verify(cookie, now, NAT, new UdpEndpoint(B.address(), 4500), nonce));
        // Same addresses over ICMP: another cookie, and neither verifies as the other.
        Octets icmpCookie = cookies.mint(now, NAT.address(), B.address(), nonce);
        assertNotEquals(icmpCookie, cookie);
        assertFalse(cookies.verify(cookie, now, NAT.address(), B.address(), nonce));
        assertFalse(cookies.verify(icmpCookie, now, NAT, B, nonce));
    }
}
