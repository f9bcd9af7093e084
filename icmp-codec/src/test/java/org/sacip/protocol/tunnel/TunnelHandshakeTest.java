package org.sacip.protocol.tunnel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.security.SecureRandom;
import org.junit.jupiter.api.Test;
import org.sacip.protocol.SacipProtocolException.Reason;
import org.sacip.protocol.SacipProtocolException;
import org.sacip.protocol.codec.Arrival;
import org.sacip.protocol.codec.SacipCodecException;
import org.sacip.protocol.codec.UdpDatagram;
import org.sacip.protocol.codec.UdpDecoder;
import org.sacip.protocol.codec.UdpEnvelope;
import org.sacip.protocol.codec.UdpFraming;
import org.sacip.protocol.handshake.Handshakes;
import org.sacip.protocol.handshake.Role;
import org.sacip.protocol.message.FieldLengths;
import org.sacip.protocol.message.Octets;
import org.sacip.protocol.message.SacipMessage;
import org.sacip.protocol.message.TunnelAccept;
import org.sacip.protocol.message.TunnelOpen;
import org.sacip.protocol.message.UdpEndpoint;

/**
 * Opening a tunnel (docs/PROTOCOL.md section 15.6) between A, behind a NAT that maps its agent socket to
 * 198.19.255.1:61000, and B at its agent port: every message crosses the wire as a datagram and is handled with the
 * arrival the receiver sees.
 */
class TunnelHandshakeTest {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final UdpEndpoint A = UdpEndpoint.of("198.18.0.1", 40000);
    private static final UdpEndpoint B = UdpEndpoint.of("198.18.0.2", UdpFraming.DEFAULT_PORT);
    private static final UdpEndpoint A_PUBLIC = UdpEndpoint.of("198.19.255.1", 61000);
    private static final UdpEndpoint NEIGHBOUR_PUBLIC = UdpEndpoint.of("198.19.255.1", 61001);

    private final Handshakes.Result lineage;

    TunnelHandshakeTest() throws SacipProtocolException {
        lineage = Handshakes.run(A.address(), B.address());
    }

    /** A message sent in {@code stated}, decoded where it arrives from {@code observedSource} at {@code local}. */
    private record Delivered<M extends SacipMessage>(M message, Arrival arrival) {
    }

    @SuppressWarnings("unchecked")
    private static <M extends SacipMessage> Delivered<M> carry(M message, UdpEnvelope stated,
            UdpEndpoint observedSource, UdpEndpoint local) throws SacipCodecException {
        UdpDatagram datagram = UdpDecoder.decode(stated.encode(message), observedSource.address(), local.address());
        return new Delivered<>((M) datagram.message(), new Arrival.Udp(datagram.envelope(), observedSource, local));
    }

    private TunnelHandshake aOpens() {
        return TunnelHandshake.open(lineage.initiatorKeys(), Role.INITIATOR, new UdpEnvelope(A, B), RANDOM);
    }

    @Test
    void bothEndsHoldTheSameTunnelAndDataFlowsBothWays() throws Exception {
        TunnelHandshake opening = aOpens();
        Delivered<TunnelOpen> open = carry(opening.message(), opening.sent(), A_PUBLIC, B);
        TunnelHandshake.Accepted accepted = TunnelHandshake.accept(open.message(), lineage.responderKeys(),
                Role.RESPONDER, open.arrival(), RANDOM);
        Delivered<TunnelAccept> accept = carry(accepted.message(), (UdpEnvelope) open.arrival().answer(), B, A);
        TunnelKeys atA = opening.complete(accept.message(), accept.arrival());
        assertEquals(accepted.keys(), atA);

        byte[] toB = Tunnels.seal(new TunnelSealer(atA, TunnelRole.OPENER), Tunnels.INNER_PACKET);
        byte[] out = new byte[40];
        assertEquals(40, new TunnelOpener(accepted.keys(), TunnelRole.ACCEPTER).open(toB, 0, 80, out, 0));
        assertArrayEquals(Tunnels.INNER_PACKET, out);
        byte[] toA = Tunnels.seal(new TunnelSealer(accepted.keys(), TunnelRole.ACCEPTER), new byte[0]);
        assertEquals(0, new TunnelOpener(atA, TunnelRole.OPENER).open(toA, 0, 40, out, 0));
    }

    @Test
    void everyOpeningMakesAnotherTunnel() throws Exception {
        TunnelHandshake first = aOpens();
        TunnelHandshake second = aOpens();
        assertNotEquals(first.message().openerNonce(), second.message().openerNonce());
        Delivered<TunnelOpen> open = carry(first.message(), first.sent(), A_PUBLIC, B);
        TunnelHandshake.Accepted once = TunnelHandshake.accept(open.message(), lineage.responderKeys(),
                Role.RESPONDER, open.arrival(), RANDOM);
        TunnelHandshake.Accepted again = TunnelHandshake.accept(open.message(), lineage.responderKeys(),
                Role.RESPONDER, open.arrival(), RANDOM);
        assertNotEquals(once.keys(), again.keys(), "a replayed OPEN gets fresh keys from the accepter's nonce");
    }

    @Test
    void anAcceptFromAnotherEndpointOrToAnotherIsRefused() throws Exception {
        TunnelHandshake opening = aOpens();
        Delivered<TunnelOpen> open = carry(opening.message(), opening.sent(), A_PUBLIC, B);
        TunnelAccept accept = TunnelHandshake.accept(open.message(), lineage.responderKeys(), Role.RESPONDER,
                open.arrival(), RANDOM).message();
        UdpEnvelope answer = (UdpEnvelope) open.arrival().answer();
        UdpEndpoint elsewhere = UdpEndpoint.of("198.18.0.3", UdpFraming.DEFAULT_PORT);
        Delivered<TunnelAccept> fromElsewhere = carry(accept, answer, elsewhere, A);
        assertRefused(Reason.WRONG_ADDRESS, () -> opening.complete(fromElsewhere.message(), fromElsewhere.arrival()));
        Delivered<TunnelAccept> atOtherPort = carry(accept, answer, B, UdpEndpoint.of("198.18.0.1", 40001));
        assertRefused(Reason.WRONG_ADDRESS, () -> opening.complete(atOtherPort.message(), atOtherPort.arrival()));
        assertRefused(Reason.WRONG_ADDRESS, () -> opening.complete(accept, Arrival.icmp(B.address(), A.address())));
    }

    @Test
    void anAcceptOfAnotherOpenOrKeyOrWithABadMacIsRefused() throws Exception {
        TunnelHandshake opening = aOpens();
        TunnelHandshake other = aOpens();
        Delivered<TunnelOpen> otherOpen = carry(other.message(), other.sent(), A_PUBLIC, B);
        TunnelAccept forOther = TunnelHandshake.accept(otherOpen.message(), lineage.responderKeys(), Role.RESPONDER,
                otherOpen.arrival(), RANDOM).message();
        UdpEnvelope answer = (UdpEnvelope) otherOpen.arrival().answer();
        Delivered<TunnelAccept> delivered = carry(forOther, answer, B, A);
        assertRefused(Reason.NONCE_MISMATCH, () -> opening.complete(delivered.message(), delivered.arrival()));

        TunnelAccept otherKey = new TunnelAccept(Octets.zeros(FieldLengths.KEY_ID), forOther.openerNonce(),
                forOther.accepterNonce(), forOther.mac());
        Delivered<TunnelAccept> withOtherKey = carry(otherKey, answer, B, A);
        assertRefused(Reason.UNKNOWN_KEY, () -> other.complete(withOtherKey.message(), withOtherKey.arrival()));

        byte[] mac = forOther.mac().toByteArray();
        mac[15] ^= 1;
        TunnelAccept badMac = forOther.withMac(Octets.of(mac));
        Delivered<TunnelAccept> withBadMac = carry(badMac, answer, B, A);
        assertRefused(Reason.BAD_MAC, () -> other.complete(withBadMac.message(), withBadMac.arrival()));
        // The accepter nonce is under the MAC: changing it breaks the MAC, not the keys.
        TunnelAccept otherNonce = new TunnelAccept(forOther.keyId(), forOther.openerNonce(),
                Octets.zeros(FieldLengths.NONCE), forOther.mac());
        Delivered<TunnelAccept> withOtherNonce = carry(otherNonce, answer, B, A);
        assertRefused(Reason.BAD_MAC, () -> other.complete(withOtherNonce.message(), withOtherNonce.arrival()));
        assertEquals(TunnelHandshake.accept(otherOpen.message(), lineage.responderKeys(), Role.RESPONDER,
                otherOpen.arrival(), forOther.accepterNonce()).keys(), other.complete(delivered.message(),
                delivered.arrival()));
    }

    @Test
    void anOpenIsVerifiedUnderItsKeyAndDirectionAndItsStatedEndpoints() throws Exception {
        TunnelHandshake opening = aOpens();
        Delivered<TunnelOpen> open = carry(opening.message(), opening.sent(), A_PUBLIC, B);
        // B's own key for its direction: a reflected or self-made OPEN does not verify.
        assertRefused(Reason.BAD_MAC, () -> TunnelHandshake.accept(open.message(), lineage.initiatorKeys(),
                Role.INITIATOR, open.arrival(), RANDOM));
        TunnelOpen otherKey = new TunnelOpen(Octets.zeros(FieldLengths.KEY_ID), opening.message().openerNonce(),
                opening.message().mac());
        assertRefused(Reason.UNKNOWN_KEY, () -> TunnelHandshake.accept(otherKey, lineage.responderKeys(),
                Role.RESPONDER, open.arrival(), RANDOM));
        // The neighbour behind the same NAT replays A's OPEN stating its own port: the MAC covers the stated port.
        Delivered<TunnelOpen> restated = carry(opening.message(), new UdpEnvelope(UdpEndpoint.of("198.18.0.1", 40001),
                B), NEIGHBOUR_PUBLIC, B);
        assertRefused(Reason.BAD_MAC, () -> TunnelHandshake.accept(restated.message(), lineage.responderKeys(),
                Role.RESPONDER, restated.arrival(), RANDOM));
        assertRefused(Reason.UNEXPECTED_MESSAGE, () -> TunnelHandshake.accept(open.message(), lineage.responderKeys(),
                Role.RESPONDER, Arrival.icmp(A.address(), B.address()), RANDOM));
    }

    @Test
    void theOpenIsTheSameOnEveryRetransmissionAndNoncesHaveTheirLength() {
        TunnelHandshake opening = TunnelHandshake.open(lineage.initiatorKeys(), Role.INITIATOR, new UdpEnvelope(A, B),
                Tunnels.OPENER_NONCE);
        assertEquals(opening.message(), opening.message());
        assertEquals(Tunnels.OPENER_NONCE, opening.message().openerNonce());
        assertEquals(lineage.initiatorKeys().keyId(), opening.message().keyId());
        assertThrows(IllegalArgumentException.class, () -> TunnelHandshake.open(lineage.initiatorKeys(),
                Role.INITIATOR, new UdpEnvelope(A, B), Octets.zeros(15)));
    }

    private interface Step {
        void run() throws SacipProtocolException;
    }

    private static void assertRefused(Reason reason, Step step) {
        SacipProtocolException e = assertThrows(SacipProtocolException.class, step::run);
        assertEquals(reason, e.reason(), e.getMessage());
    }
}
