package org.sacip.protocol.move;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.sacip.protocol.SacipProtocolException.Reason;
import org.sacip.protocol.SacipProtocolException;
import org.sacip.protocol.codec.Arrival;
import org.sacip.protocol.codec.BitFlips;
import org.sacip.protocol.codec.Envelope;
import org.sacip.protocol.codec.SacipCodecException;
import org.sacip.protocol.codec.SacipDecoder;
import org.sacip.protocol.codec.SacipEncoder;
import org.sacip.protocol.crypto.MessageAuthenticator;
import org.sacip.protocol.handshake.Handshakes;
import org.sacip.protocol.handshake.Role;
import org.sacip.protocol.handshake.SessionKeys;
import org.sacip.protocol.message.AddressUpdate;
import org.sacip.protocol.message.AuthenticatedMessage;
import org.sacip.protocol.message.Octets;
import org.sacip.protocol.message.PathChallenge;
import org.sacip.protocol.message.PathResponse;
import org.sacip.protocol.message.SacipAddress;
import org.sacip.protocol.message.SacipMessage;
import org.sacip.protocol.message.UpdateAck;

/** Authenticated messages are rejected under the wrong key, direction, bits, sequence or outer addresses. */
class AuthenticationTest {
    private static final SecureRandom RANDOM = new SecureRandom();

    /** A session A (initiator) - B (responder), A moved to A1. */
    record Scenario(SacipAddress a, SacipAddress b, SacipAddress a1, SessionKeys aKeys, SessionKeys bKeys) {
        static Scenario of(String a, String b, String a1) throws SacipProtocolException {
            SacipAddress aa = SacipAddress.parse(a);
            SacipAddress bb = SacipAddress.parse(b);
            Handshakes.Result r = Handshakes.run(aa, bb);
            return new Scenario(aa, bb, SacipAddress.parse(a1), r.initiatorKeys(), r.responderKeys());
        }

        AddressUpdate update(long sequence) {
            return new MoveMessages(aKeys, Role.INITIATOR).update(sequence, new Envelope.Icmp(a1, b));
        }

        MoveVerifier atB() {
            return new MoveVerifier(bKeys, Role.RESPONDER);
        }
    }

    static Stream<Arguments> families() throws SacipProtocolException {
        return Stream.of(Arguments.of(Scenario.of("198.18.2.1", "198.18.2.2", "198.19.2.1")),
                Arguments.of(Scenario.of("2001:db8:2::a", "2001:db8:2::b", "2001:db8:3::a")));
    }

    private static void assertRejected(Reason reason, Executable action) {
        SacipProtocolException e = assertThrows(SacipProtocolException.class, action);
        assertEquals(reason, e.reason(), e.getMessage());
    }

    @ParameterizedTest
    @MethodSource("families")
    void validUpdateVerifies(Scenario s) throws Exception {
        s.atB().verifyUpdate(s.update(1), Arrival.icmp(s.a1(), s.b()));
    }

    @ParameterizedTest
    @MethodSource("families")
    void wrongKeyIsRejected(Scenario s) throws Exception {
        SessionKeys other = Handshakes.run(s.a(), s.b()).initiatorKeys();
        AddressUpdate forged = MessageAuthenticator.sign(s.update(1), other.initiatorToResponder(), s.a1(), s.b());
        assertRejected(Reason.BAD_MAC, () -> s.atB().verifyUpdate(forged, Arrival.icmp(s.a1(), s.b())));
        byte[] random = new byte[32];
        RANDOM.nextBytes(random);
        AddressUpdate randomKey = MessageAuthenticator.sign(s.update(1), Octets.of(random), s.a1(), s.b());
        assertRejected(Reason.BAD_MAC, () -> s.atB().verifyUpdate(randomKey, Arrival.icmp(s.a1(), s.b())));
    }

    @ParameterizedTest
    @MethodSource("families")
    void wrongDirectionKeyIsRejected(Scenario s) {
        // Signed with the responder-to-initiator key, as a reflection of B's own messages would be.
        AddressUpdate reflected = MessageAuthenticator.sign(s.update(1), s.aKeys().responderToInitiator(), s.a1(), s.b());
        assertRejected(Reason.BAD_MAC, () -> s.atB().verifyUpdate(reflected, Arrival.icmp(s.a1(), s.b())));
        // B's own acknowledgement fed back to B as if A had sent it.
        UpdateAck own = new MoveMessages(s.bKeys(), Role.RESPONDER).acknowledge(s.update(1), new Envelope.Icmp(s.b(),
                s.update(1).currentAddress()));
        assertRejected(Reason.BAD_MAC, () -> new MoveVerifier(s.bKeys(), Role.RESPONDER)
                .verifyAck(own, s.update(1), Arrival.icmp(s.b(), s.a1())));
    }

    @ParameterizedTest
    @MethodSource("families")
    void outerAddressesOtherThanSignedForAreRejected(Scenario s) {
        AddressUpdate update = s.update(1);
        SacipAddress elsewhere = s.a().family() == org.sacip.protocol.message.AddressFamily.IPV4
                ? SacipAddress.parse("198.18.2.99") : SacipAddress.parse("2001:db8:2::99");
        assertRejected(Reason.BAD_MAC, () -> s.atB().verifyUpdate(update, Arrival.icmp(s.a1(), elsewhere)));
        assertRejected(Reason.WRONG_ADDRESS, () -> s.atB().verifyUpdate(update, Arrival.icmp(elsewhere, s.b())));
        // Decoding with another outer source already fails: the current address must be the source.
        SacipCodecException e = assertThrows(SacipCodecException.class,
                () -> SacipDecoder.decode(SacipEncoder.encode(update, s.a1(), s.b()), elsewhere, s.b()));
        assertTrue(e.reason() == SacipCodecException.Reason.OUTER_SOURCE_NOT_CURRENT_ADDRESS
                || e.reason() == SacipCodecException.Reason.BAD_CHECKSUM, e.getMessage());

        ReachabilityCheck check = ReachabilityCheck.start(s.bKeys(), Role.RESPONDER, new Envelope.Icmp(s.b(), s.a1()),
                RANDOM);
        assertRejected(Reason.BAD_MAC, () -> ReachabilityCheck.answer(check.challenge(), s.aKeys(), Role.INITIATOR,
                Arrival.icmp(s.b(), elsewhere)));
    }

    @ParameterizedTest
    @MethodSource("families")
    void updateBoundToAnotherOriginalAddressIsRejected(Scenario s) {
        AddressUpdate claimsB = MessageAuthenticator.sign(new AddressUpdate(s.aKeys().keyId(), 1, s.a1(), s.a1(),
                Octets.zeros(16)), s.aKeys().initiatorToResponder(), s.a1(), s.b());
        assertRejected(Reason.WRONG_ADDRESS, () -> s.atB().verifyUpdate(claimsB, Arrival.icmp(s.a1(), s.b())));
        AddressUpdate unknownKey = new AddressUpdate(Octets.zeros(8), 1, s.a(), s.a1(), Octets.zeros(16));
        assertRejected(Reason.UNKNOWN_KEY, () -> s.atB().verifyUpdate(unknownKey, Arrival.icmp(s.a1(), s.b())));
    }

    /** Every authenticated kind of one session, each with the outer addresses it travels between. */
    static List<Object[]> signedMessages(Scenario s) throws SacipProtocolException {
        List<Object[]> all = new ArrayList<>();
        AddressUpdate update = s.update(7);
        all.add(new Object[] {update, s.a1(), s.b()});
        all.add(new Object[] {new MoveMessages(s.bKeys(), Role.RESPONDER).acknowledge(update, new Envelope.Icmp(s.b(),
                update.currentAddress())), s.b(), s.a1()});
        ReachabilityCheck check = ReachabilityCheck.start(s.bKeys(), Role.RESPONDER, new Envelope.Icmp(s.b(), s.a1()),
                RANDOM);
        all.add(new Object[] {check.challenge(), s.b(), s.a1()});
        all.add(new Object[] {ReachabilityCheck.answer(check.challenge(), s.aKeys(), Role.INITIATOR,
                Arrival.icmp(s.b(), s.a1())),
            s.a1(), s.b()});
        return all;
    }

    /** Checks a received message the way a receiver would; throws if it is rejected. */
    private static void receive(Scenario s, SacipMessage m, SacipAddress src, SacipAddress dst) throws Exception {
        if (m instanceof AddressUpdate u) {
            s.atB().verifyUpdate(u, Arrival.icmp(src, dst));
        } else if (m instanceof UpdateAck ack) {
            new MoveVerifier(s.aKeys(), Role.INITIATOR).verifyAck(ack, s.update(7), Arrival.icmp(src, dst));
        } else if (m instanceof PathChallenge c) {
            ReachabilityCheck.answer(c, s.aKeys(), Role.INITIATOR, Arrival.icmp(src, dst));
        } else if (m instanceof PathResponse r) {
            MessageAuthenticator.verify(r, s.aKeys().initiatorToResponder(), src, dst);
        } else {
            fail("unexpected " + m);
        }
    }

    @ParameterizedTest
    @MethodSource("families")
    void flippingAnyBitIsRejected(Scenario s) throws Exception {
        int flips = 0;
        for (Object[] row : signedMessages(s)) {
            AuthenticatedMessage message = (AuthenticatedMessage) row[0];
            SacipAddress src = (SacipAddress) row[1];
            SacipAddress dst = (SacipAddress) row[2];
            byte[] wire = SacipEncoder.encode(message, src, dst);
            receive(s, SacipDecoder.decode(wire, src, dst), src, dst);
            for (BitFlips.Flip flip : BitFlips.of(wire, src, dst)) {
                assertRejectedSomehow(s, flip.icmp(), src, dst, message.kind() + " " + flip);
                flips++;
            }
        }
        assertEquals(2 * 8 * (84 + 84 + 52 + 52), flips);
    }

    private static void assertRejectedSomehow(Scenario s, byte[] wire, SacipAddress src, SacipAddress dst,
            String what) {
        SacipMessage decoded;
        try {
            decoded = SacipDecoder.decode(wire, src, dst);
        } catch (SacipCodecException e) {
            return;
        }
        try {
            receive(s, decoded, src, dst);
        } catch (SacipProtocolException e) {
            return;
        } catch (Exception e) {
            fail(what + ": unexpected " + e);
        }
        fail(what + " was accepted");
    }

    @Test
    void replayedSequenceNumberIsRejected() throws Exception {
        Scenario s = Scenario.of("198.18.2.1", "198.18.2.2", "198.19.2.1");
        SequenceAcceptor acceptor = new SequenceAcceptor();
        AddressUpdate first = s.update(1);
        AddressUpdate second = s.update(2);
        assertEquals(SequenceVerdict.NEW, acceptor.accept(first));
        assertEquals(SequenceVerdict.NEW, acceptor.accept(second));
        assertRejected(Reason.STALE_SEQUENCE, () -> acceptor.accept(first));
        assertEquals(SequenceVerdict.DUPLICATE_OF_LAST, acceptor.accept(second));
        assertEquals(2, acceptor.lastSequence());
    }
}
