package org.sacip.protocol.move;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.security.SecureRandom;
import org.junit.jupiter.api.Test;
import org.sacip.protocol.SacipProtocolException.Reason;
import org.sacip.protocol.SacipProtocolException;
import org.sacip.protocol.codec.Arrival;
import org.sacip.protocol.codec.Envelope;
import org.sacip.protocol.codec.SacipDecoder;
import org.sacip.protocol.codec.SacipEncoder;
import org.sacip.protocol.handshake.Handshakes;
import org.sacip.protocol.handshake.Role;
import org.sacip.protocol.message.AddressUpdate;
import org.sacip.protocol.message.Octets;
import org.sacip.protocol.message.PathChallenge;
import org.sacip.protocol.message.PathResponse;
import org.sacip.protocol.message.SacipAddress;
import org.sacip.protocol.message.SacipMessage;
import org.sacip.protocol.message.UpdateAck;

/** A complete move over the wire format: update, challenge, response, acknowledgement; and a lost acknowledgement. */
class MoveFlowTest {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final SacipAddress A = SacipAddress.parse("198.18.4.1");
    private static final SacipAddress B = SacipAddress.parse("198.18.4.2");
    private static final SacipAddress A1 = SacipAddress.parse("198.19.4.1");

    private static SacipMessage wire(SacipMessage m, SacipAddress src, SacipAddress dst) throws Exception {
        return SacipDecoder.decode(SacipEncoder.encode(m, src, dst), src, dst);
    }

    @Test
    void moveWithReachabilityCheckAndLostAcknowledgement() throws Exception {
        Handshakes.Result keys = Handshakes.run(A, B);
        MoveMessages aSends = new MoveMessages(keys.initiatorKeys(), Role.INITIATOR);
        MoveMessages bSends = new MoveMessages(keys.responderKeys(), Role.RESPONDER);
        MoveVerifier bChecks = new MoveVerifier(keys.responderKeys(), Role.RESPONDER);
        MoveVerifier aChecks = new MoveVerifier(keys.initiatorKeys(), Role.INITIATOR);
        SequenceAcceptor bSequence = new SequenceAcceptor();
        SequenceCounter aCounter = new SequenceCounter();

        AddressUpdate sent = aSends.update(aCounter.next(), new Envelope.Icmp(A1, B));
        AddressUpdate atB = (AddressUpdate) wire(sent, A1, B);
        bChecks.verifyUpdate(atB, Arrival.icmp(A1, B));
        assertEquals(SequenceVerdict.NEW, bSequence.accept(atB));

        ReachabilityCheck check = ReachabilityCheck.start(keys.responderKeys(), Role.RESPONDER,
                new Envelope.Icmp(B, A1), RANDOM);
        PathChallenge atA = (PathChallenge) wire(check.challenge(), B, A1);
        PathResponse answer = ReachabilityCheck.answer(atA, keys.initiatorKeys(), Role.INITIATOR, Arrival.icmp(B, A1));
        check.verify((PathResponse) wire(answer, A1, B), Arrival.icmp(A1, B));

        UpdateAck ack = bSends.acknowledge(atB, new Envelope.Icmp(B, atB.currentAddress()));
        // The acknowledgement is lost; A retransmits the same update; B acknowledges again without a new check.
        AddressUpdate again = (AddressUpdate) wire(sent, A1, B);
        bChecks.verifyUpdate(again, Arrival.icmp(A1, B));
        assertEquals(SequenceVerdict.DUPLICATE_OF_LAST, bSequence.accept(again));
        UpdateAck ackAgain = bSends.acknowledge(again, new Envelope.Icmp(B, again.currentAddress()));
        assertEquals(ack, ackAgain, "idempotent: the same acknowledgement");
        aChecks.verifyAck((UpdateAck) wire(ackAgain, B, A1), sent, Arrival.icmp(B, A1));
    }

    @Test
    void challengeAnsweredFromElsewhereOrWithOtherBitsFails() throws Exception {
        Handshakes.Result keys = Handshakes.run(A, B);
        ReachabilityCheck check = ReachabilityCheck.start(keys.responderKeys(), Role.RESPONDER,
                new Envelope.Icmp(B, A1), RANDOM);
        PathResponse answer = ReachabilityCheck.answer(check.challenge(), keys.initiatorKeys(), Role.INITIATOR,
                Arrival.icmp(B, A1));
        SacipProtocolException fromA = assertThrows(SacipProtocolException.class, () -> check.verify(answer,
                Arrival.icmp(A, B)));
        assertEquals(Reason.WRONG_ADDRESS, fromA.reason());
        PathResponse guessed = new PathResponse(answer.keyId(), Octets.zeros(16), answer.mac());
        assertEquals(Reason.NONCE_MISMATCH,
                assertThrows(SacipProtocolException.class, () -> check.verify(guessed, Arrival.icmp(A1, B))).reason());
        PathResponse unsigned = answer.withMac(Octets.zeros(16));
        assertEquals(Reason.BAD_MAC,
                assertThrows(SacipProtocolException.class, () -> check.verify(unsigned, Arrival.icmp(A1, B))).reason());
    }

    @Test
    void acknowledgementOfAnotherUpdateIsRejected() throws Exception {
        Handshakes.Result keys = Handshakes.run(A, B);
        AddressUpdate first = new MoveMessages(keys.initiatorKeys(), Role.INITIATOR).update(1,
                new Envelope.Icmp(A1, B));
        AddressUpdate second = new MoveMessages(keys.initiatorKeys(), Role.INITIATOR).update(2,
                new Envelope.Icmp(A1, B));
        UpdateAck ackOfFirst = new MoveMessages(keys.responderKeys(), Role.RESPONDER).acknowledge(first,
                new Envelope.Icmp(B, first.currentAddress()));
        MoveVerifier aChecks = new MoveVerifier(keys.initiatorKeys(), Role.INITIATOR);
        assertEquals(Reason.UNEXPECTED_MESSAGE, assertThrows(SacipProtocolException.class,
                () -> aChecks.verifyAck(ackOfFirst, second, Arrival.icmp(B, A1))).reason());
        assertEquals(Reason.WRONG_ADDRESS, assertThrows(SacipProtocolException.class,
                () -> aChecks.verifyAck(ackOfFirst, first, Arrival.icmp(B, A))).reason());
    }
}
