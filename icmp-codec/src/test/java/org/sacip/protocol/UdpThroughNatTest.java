package org.sacip.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.SecureRandom;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.sacip.protocol.SacipProtocolException.Reason;
import org.sacip.protocol.claim.ClaimMessages;
import org.sacip.protocol.claim.ClaimProofs;
import org.sacip.protocol.claim.ClaimVerifier;
import org.sacip.protocol.claim.SentClaim;
import org.sacip.protocol.claim.TcpSide;
import org.sacip.protocol.codec.Arrival;
import org.sacip.protocol.codec.Envelope;
import org.sacip.protocol.codec.SacipCodecException;
import org.sacip.protocol.codec.UdpDatagram;
import org.sacip.protocol.codec.UdpDecoder;
import org.sacip.protocol.codec.UdpEnvelope;
import org.sacip.protocol.codec.UdpFraming;
import org.sacip.protocol.handshake.AddressPair;
import org.sacip.protocol.handshake.HandshakeInitiator;
import org.sacip.protocol.handshake.HandshakeResponder;
import org.sacip.protocol.handshake.Handshakes;
import org.sacip.protocol.handshake.InitiatorCompletion;
import org.sacip.protocol.handshake.PendingHandshake;
import org.sacip.protocol.handshake.Role;
import org.sacip.protocol.handshake.SessionKeys;
import org.sacip.protocol.message.AddressUpdate;
import org.sacip.protocol.message.Claim;
import org.sacip.protocol.message.ClaimEntry;
import org.sacip.protocol.message.ClaimReply;
import org.sacip.protocol.message.ClaimReplyEntry;
import org.sacip.protocol.message.ClaimVerdict;
import org.sacip.protocol.message.CookieReply;
import org.sacip.protocol.message.Hello;
import org.sacip.protocol.message.Init;
import org.sacip.protocol.message.InitConfirm;
import org.sacip.protocol.message.InitReply;
import org.sacip.protocol.message.PathChallenge;
import org.sacip.protocol.message.PathResponse;
import org.sacip.protocol.message.SacipMessage;
import org.sacip.protocol.message.UdpEndpoint;
import org.sacip.protocol.message.UpdateAck;
import org.sacip.protocol.move.MoveMessages;
import org.sacip.protocol.move.MoveVerifier;
import org.sacip.protocol.move.ReachabilityCheck;

/**
 * The protocol's state machines over UDP through NATs (docs/PROTOCOL.md section 13): A (198.18.0.1) sits behind a
 * NAT that maps its agent socket to 198.19.255.1:61000, B (198.18.0.2) is public. Every message crosses the wire as
 * a datagram: encoded in the envelope its sender states, decoded with the addresses it arrives from, then handled
 * with the {@link Arrival} the receiver sees. A neighbour behind the same NAT has the same public address and
 * another port.
 */
class UdpThroughNatTest {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final UdpEndpoint A = UdpEndpoint.of("198.18.0.1", 40000);
    private static final UdpEndpoint B = UdpEndpoint.of("198.18.0.2", UdpFraming.DEFAULT_PORT);
    private static final UdpEndpoint A_PUBLIC = UdpEndpoint.of("198.19.255.1", 61000);
    private static final UdpEndpoint NEIGHBOUR_PUBLIC = UdpEndpoint.of("198.19.255.1", 61001);
    /** After A's move: its new private address behind a second NAT, and that NAT's mapping of it. */
    private static final UdpEndpoint A_MOVED = UdpEndpoint.of("198.18.1.1", 40000);
    private static final UdpEndpoint A_MOVED_PUBLIC = UdpEndpoint.of("198.19.254.1", 62000);

    /** Sends {@code message} in {@code stated}; it arrives from {@code observedSource} at {@code local}. */
    private static <M extends SacipMessage> Delivered<M> carry(M message, UdpEnvelope stated,
            UdpEndpoint observedSource, UdpEndpoint local) throws SacipCodecException {
        UdpDatagram datagram = UdpDecoder.decode(stated.encode(message), observedSource.address(), local.address());
        @SuppressWarnings("unchecked")
        M decoded = (M) datagram.message();
        return new Delivered<>(decoded, new Arrival.Udp(datagram.envelope(), observedSource, local));
    }

    /** A's datagram to B: through the NAT, it arrives from A's public endpoint. */
    private static <M extends SacipMessage> Delivered<M> aToB(M message) throws SacipCodecException {
        return carry(message, new UdpEnvelope(A, B), A_PUBLIC, B);
    }

    /** An answer sent in {@code envelope} by B; the NAT delivers it to A's socket. */
    private static <M extends SacipMessage> Delivered<M> toA(M message, Envelope envelope, UdpEndpoint aLocal)
            throws SacipCodecException {
        return carry(message, (UdpEnvelope) envelope, B, aLocal);
    }

    private record Delivered<M extends SacipMessage>(M message, Arrival arrival) {
    }

    private record Agreed(SessionKeys a, SessionKeys b) {
    }

    private static Agreed handshake(HandshakeResponder responder) throws Exception {
        HandshakeInitiator initiator = HandshakeInitiator.first(new AddressPair(A.address(), B.address()), RANDOM);
        Delivered<Hello> hello = aToB(initiator.hello());
        Delivered<CookieReply> cookie = toA(responder.onHello(hello.message(), hello.arrival(), Handshakes.NOW),
                hello.arrival().answer(), A);
        // A learns its public endpoint: B addressed the COOKIE to the NAT's, not to A's own.
        UdpEnvelope cookieEnvelope = (UdpEnvelope) cookie.arrival().envelope();
        assertTrue(cookieEnvelope.destinationTranslated(A));
        assertEquals(A_PUBLIC, cookieEnvelope.statedDestination());
        Delivered<Init> init = aToB(initiator.onCookie(cookie.message()));
        PendingHandshake pending = responder.onInit(init.message(), init.arrival(), Handshakes.NOW);
        assertTrue(((UdpEnvelope) init.arrival().envelope()).sourceTranslated(A_PUBLIC), "B sees A's NAT");
        Delivered<InitReply> reply = toA(pending.reply(), pending.replyEnvelope(), A);
        InitiatorCompletion done = initiator.onInitReply(reply.message(), reply.arrival());
        Delivered<InitConfirm> confirm = carry(done.confirm(), (UdpEnvelope) reply.arrival().answer(), A_PUBLIC, B);
        SessionKeys atB = pending.onConfirm(confirm.message(), confirm.arrival());
        return new Agreed(done.keys(), atB);
    }

    @Test
    void aHandshakeThroughTheNatBindsTheLineageToTheStatedAddresses() throws Exception {
        Agreed keys = handshake(Handshakes.responder());
        assertEquals(keys.a(), keys.b(), "both sides derive the same keys");
        assertEquals(A.address(), keys.b().initiatorAddress(), "A's own address, not the NAT's");
        assertEquals(B.address(), keys.b().responderAddress());
    }

    /** A's handshake with {@code responder} up to the COOKIE B sent it. */
    private record Started(HandshakeInitiator initiator, CookieReply cookie) {
        static Started with(HandshakeResponder responder) throws Exception {
            HandshakeInitiator initiator = HandshakeInitiator.first(new AddressPair(A.address(), B.address()),
                    RANDOM);
            Delivered<Hello> hello = aToB(initiator.hello());
            return new Started(initiator, responder.onHello(hello.message(), hello.arrival(), Handshakes.NOW));
        }
    }

    @Test
    void theNeighbourCannotUseACookieMintedForAsMapping() throws Exception {
        HandshakeResponder responder = Handshakes.responder();
        Started started = Started.with(responder);
        // The same INIT, from the neighbour's mapping: same public address, another port.
        Delivered<Init> replayed = carry(started.initiator().onCookie(started.cookie()), new UdpEnvelope(A, B),
                NEIGHBOUR_PUBLIC, B);
        assertEquals(Reason.BAD_COOKIE, assertThrows(SacipProtocolException.class,
                () -> responder.onInit(replayed.message(), replayed.arrival(), Handshakes.NOW)).reason());
    }

    @Test
    void aConfirmationFromAnotherMappingDoesNotCompleteTheHandshake() throws Exception {
        HandshakeResponder responder = Handshakes.responder();
        Started started = Started.with(responder);
        HandshakeInitiator initiator = started.initiator();
        Delivered<Init> init = aToB(initiator.onCookie(started.cookie()));
        PendingHandshake pending = responder.onInit(init.message(), init.arrival(), Handshakes.NOW);
        Delivered<InitReply> reply = toA(pending.reply(), pending.replyEnvelope(), A);
        InitiatorCompletion done = initiator.onInitReply(reply.message(), reply.arrival());
        Delivered<InitConfirm> elsewhere = carry(done.confirm(), new UdpEnvelope(A, B), NEIGHBOUR_PUBLIC, B);
        assertEquals(Reason.WRONG_ADDRESS, assertThrows(SacipProtocolException.class,
                () -> pending.onConfirm(elsewhere.message(), elsewhere.arrival())).reason());
    }

    @Test
    void aClaimAndItsReplyCrossTheNatAndTheReplyTellsThePublicTuple() throws Exception {
        Agreed keys = handshake(Handshakes.responder());
        ClaimEntry entry = ClaimEntry.tcp(50000, 443, ClaimProofs.tcpProof(0x0a0b0c0d, 0x01020305, TcpSide.CLIENT));
        SentClaim sent = new ClaimMessages(keys.a(), Role.INITIATOR).claim(1, A.address(), B.address(),
                List.of(entry), new UdpEnvelope(A, B));
        Delivered<Claim> claim = aToB(sent.claim());
        new ClaimVerifier(keys.b(), Role.RESPONDER).verifyClaim(claim.message(), claim.arrival());
        // B's socket knows the session as the NAT's 198.19.255.1:61234.
        ClaimReply reply = new ClaimMessages(keys.b(), Role.RESPONDER).reply(claim.message(), A_PUBLIC.address(),
                List.of(ClaimReplyEntry.answering(entry, ClaimVerdict.BOUND, 61234)), claim.arrival());
        Delivered<ClaimReply> atA = toA(reply, claim.arrival().answer(), A);
        ClaimVerifier aChecks = new ClaimVerifier(keys.a(), Role.INITIATOR);
        aChecks.verifyReply(atA.message(), sent, atA.arrival());
        assertEquals(61234, atA.message().entries().get(0).seenHolderPort());
        // Delivered to another local socket of A than the claim left from: not an answer to it.
        Delivered<ClaimReply> misdelivered = toA(reply, claim.arrival().answer(), new UdpEndpoint(A.address(), 40001));
        assertEquals(Reason.WRONG_ADDRESS, assertThrows(SacipProtocolException.class,
                () -> aChecks.verifyReply(misdelivered.message(), sent, misdelivered.arrival())).reason());
    }

    @Test
    void aMoveBehindAnotherNatIsCheckedAtThatNatsPublicEndpoint() throws Exception {
        Agreed keys = handshake(Handshakes.responder());
        AddressUpdate update = new MoveMessages(keys.a(), Role.INITIATOR).update(1, new UdpEnvelope(A_MOVED, B));
        assertEquals(A.address(), update.originalAddress());
        Delivered<AddressUpdate> atB = carry(update, new UdpEnvelope(A_MOVED, B), A_MOVED_PUBLIC, B);
        new MoveVerifier(keys.b(), Role.RESPONDER).verifyUpdate(atB.message(), atB.arrival());
        // The check goes where the update came from: the second NAT's public endpoint.
        ReachabilityCheck check = ReachabilityCheck.start(keys.b(), Role.RESPONDER, atB.arrival().answer(), RANDOM);
        assertEquals(A_MOVED_PUBLIC, ((UdpEnvelope) check.sent()).statedDestination());
        Delivered<PathChallenge> challenge = toA(check.challenge(), check.sent(), A_MOVED);
        PathResponse response = ReachabilityCheck.answer(challenge.message(), keys.a(), Role.INITIATOR,
                challenge.arrival());
        // Replayed by the neighbour behind the second NAT: the right MAC from the wrong endpoint.
        Delivered<PathResponse> replayed = carry(response, (UdpEnvelope) challenge.arrival().answer(),
                UdpEndpoint.of("198.19.254.1", 62001), B);
        assertEquals(Reason.WRONG_ADDRESS, assertThrows(SacipProtocolException.class,
                () -> check.verify(replayed.message(), replayed.arrival())).reason());
        Delivered<PathResponse> answered = carry(response, (UdpEnvelope) challenge.arrival().answer(),
                A_MOVED_PUBLIC, B);
        check.verify(answered.message(), answered.arrival());
        UpdateAck ack = new MoveMessages(keys.b(), Role.RESPONDER).acknowledge(atB.message(), check.sent());
        Delivered<UpdateAck> ackAtA = toA(ack, check.sent(), A_MOVED);
        new MoveVerifier(keys.a(), Role.INITIATOR).verifyAck(ackAtA.message(), update, ackAtA.arrival());
    }

    @Test
    void aKeepaliveIsAChallengeThePeerAnswersStatelessly() throws Exception {
        Agreed keys = handshake(Handshakes.responder());
        ReachabilityCheck keepalive = ReachabilityCheck.start(keys.a(), Role.INITIATOR, new UdpEnvelope(A, B), RANDOM);
        Delivered<PathChallenge> atB = aToB(keepalive.challenge());
        PathResponse response = ReachabilityCheck.answer(atB.message(), keys.b(), Role.RESPONDER, atB.arrival());
        Delivered<PathResponse> back = toA(response, atB.arrival().answer(), A);
        keepalive.verify(back.message(), back.arrival());
        assertEquals(UdpFraming.SACIP_PART_OFFSET + 48, new UdpEnvelope(A, B).encode(keepalive.challenge()).length,
                "a keepalive is a 100-octet datagram");
    }

    @Test
    void anArrivalRepliesOnlyToWhatItsLocalEndpointSentAndReturnsOnlyFromWhereItWent() {
        UdpEnvelope sent = new UdpEnvelope(A, B);
        Arrival fromB = new Arrival.Udp(new UdpEnvelope(B, A_PUBLIC), B, A);
        Arrival fromBAtAnotherPort = new Arrival.Udp(new UdpEnvelope(B, A_PUBLIC),
                new UdpEndpoint(B.address(), 4500), A);
        assertTrue(fromB.repliesTo(sent) && fromB.returnsFrom(sent));
        assertTrue(fromBAtAnotherPort.repliesTo(sent), "a rebinding does not stop an answer");
        assertFalse(fromBAtAnotherPort.returnsFrom(sent), "but proves nothing about the path");
        assertFalse(fromB.repliesTo(new Envelope.Icmp(A.address(), B.address())), "another transport");
        assertFalse(Arrival.icmp(B.address(), A.address()).repliesTo(sent));
        assertTrue(Arrival.icmp(B.address(), A.address()).repliesTo(new Envelope.Icmp(A.address(), B.address())));
    }
}
