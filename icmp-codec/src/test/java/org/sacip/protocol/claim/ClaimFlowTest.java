package org.sacip.protocol.claim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.List;
import java.util.stream.Stream;
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
import org.sacip.protocol.message.AddressFamily;
import org.sacip.protocol.message.Claim;
import org.sacip.protocol.message.ClaimEntry;
import org.sacip.protocol.message.ClaimProtocol;
import org.sacip.protocol.message.ClaimReply;
import org.sacip.protocol.message.ClaimReplyEntry;
import org.sacip.protocol.message.ClaimVerdict;
import org.sacip.protocol.message.Octets;
import org.sacip.protocol.message.SacipAddress;
import org.sacip.protocol.message.SacipMessage;

/**
 * A claim and its reply over the wire between two hosts that agreed keys, and every way a forged, reflected,
 * misdirected or altered one is rejected.
 */
class ClaimFlowTest {
    /** A (initiator of the key) holds sessions with B and has moved to A1; claims travel A1 -> B. */
    record Scenario(SacipAddress a, SacipAddress b, SacipAddress a1, Handshakes.Result keys) {
        static Scenario of(String a, String b, String a1) throws SacipProtocolException {
            SacipAddress aa = SacipAddress.parse(a);
            SacipAddress bb = SacipAddress.parse(b);
            return new Scenario(aa, bb, SacipAddress.parse(a1), Handshakes.run(aa, bb));
        }

        ClaimMessages aSends() {
            return new ClaimMessages(keys.initiatorKeys(), Role.INITIATOR);
        }

        ClaimMessages bSends() {
            return new ClaimMessages(keys.responderKeys(), Role.RESPONDER);
        }

        ClaimVerifier aChecks() {
            return new ClaimVerifier(keys.initiatorKeys(), Role.INITIATOR);
        }

        ClaimVerifier bChecks() {
            return new ClaimVerifier(keys.responderKeys(), Role.RESPONDER);
        }

        SentClaim claim() {
            return aSends().claim(7, a, b, entries(), new Envelope.Icmp(a1, b));
        }

        ClaimReply reply(SentClaim sent) {
            List<ClaimEntry> claimed = sent.claim().entries();
            return bSends().reply(sent.claim(), a, List.of(
                    ClaimReplyEntry.answering(claimed.get(0), ClaimVerdict.BOUND),
                    ClaimReplyEntry.answering(claimed.get(1),
                            ClaimVerdict.NOT_YET_SEEN)), Arrival.icmp(sent.source(), sent.destination()));
        }

        SacipAddress elsewhere() {
            return a.family() == AddressFamily.IPV4 ? SacipAddress.parse("198.18.5.99")
                    : SacipAddress.parse("2001:db8:5::99");
        }
    }

    static List<ClaimEntry> entries() {
        return List.of(
                ClaimEntry.tcp(40000, 443, ClaimProofs.tcpProof(0x0a0b0c0d, 0x01020305, TcpSide.CLIENT)),
                ClaimEntry.udp(40001, 53, ClaimProofs.udpProof(ClaimProofs.udpDigest(new byte[] {1, 2, 3}),
                        ClaimProofs.udpDigest(new byte[] {4, 5}))));
    }

    static Stream<Arguments> families() throws SacipProtocolException {
        return Stream.of(Arguments.of(Scenario.of("198.18.5.1", "198.18.5.2", "198.19.5.1")),
                Arguments.of(Scenario.of("2001:db8:5::a", "2001:db8:5::b", "2001:db8:6::a")));
    }

    private static SacipMessage wire(SacipMessage m, SacipAddress src, SacipAddress dst) throws SacipCodecException {
        return SacipDecoder.decode(SacipEncoder.encode(m, src, dst), src, dst);
    }

    private static void assertRejected(Reason reason, Executable action) {
        SacipProtocolException e = assertThrows(SacipProtocolException.class, action);
        assertEquals(reason, e.reason(), e.getMessage());
    }

    @ParameterizedTest
    @MethodSource("families")
    void claimAndReplyVerifyAfterTheWire(Scenario s) throws Exception {
        SentClaim sent = s.claim();
        Claim atB = (Claim) wire(sent.claim(), sent.source(), sent.destination());
        assertEquals(sent.claim(), atB);
        s.bChecks().verifyClaim(atB, Arrival.icmp(s.a1(), s.b()));

        ClaimReply reply = s.reply(sent);
        ClaimReply atA = (ClaimReply) wire(reply, s.b(), s.a1());
        s.aChecks().verifyReply(atA, sent, Arrival.icmp(s.b(), s.a1()));
        assertEquals(7, atA.claimNumber());
        assertEquals(List.of(ClaimVerdict.BOUND, ClaimVerdict.NOT_YET_SEEN),
                atA.entries().stream().map(ClaimReplyEntry::verdict).toList());
        assertEquals(sent.encode().length, SacipEncoder.encode(sent.claim(), s.a1(), s.b()).length);
    }

    @ParameterizedTest
    @MethodSource("families")
    void claimUnderAnotherKeyOrDirectionIsRejected(Scenario s) throws Exception {
        SentClaim sent = s.claim();
        Handshakes.Result other = Handshakes.run(s.a(), s.b());
        assertRejected(Reason.UNKNOWN_KEY, () -> new ClaimVerifier(other.responderKeys(), Role.RESPONDER)
                .verifyClaim(sent.claim(), Arrival.icmp(s.a1(), s.b())));
        Claim sameIdOtherKey = MessageAuthenticator.sign(sent.claim(), other.initiatorKeys().initiatorToResponder(),
                s.a1(), s.b());
        assertRejected(Reason.BAD_MAC, () -> s.bChecks().verifyClaim(sameIdOtherKey, Arrival.icmp(s.a1(), s.b())));
        // B's own claim (B also holds sessions) reflected back to B.
        SentClaim fromB = s.bSends().claim(1, s.b(), s.a(), entries(), new Envelope.Icmp(s.b(), s.a1()));
        assertRejected(Reason.BAD_MAC, () -> s.bChecks().verifyClaim(fromB.claim(), Arrival.icmp(s.a1(), s.b())));
    }

    @ParameterizedTest
    @MethodSource("families")
    void claimFromOrToOtherAddressesIsRejected(Scenario s) {
        SentClaim sent = s.claim();
        assertRejected(Reason.BAD_MAC, () -> s.bChecks().verifyClaim(sent.claim(), Arrival.icmp(s.elsewhere(), s.b())));
        assertRejected(Reason.BAD_MAC, () -> s.bChecks().verifyClaim(sent.claim(), Arrival.icmp(s.a1(),
                s.elsewhere())));
    }

    @ParameterizedTest
    @MethodSource("families")
    void replyMustComeBackTheWayTheClaimWent(Scenario s) {
        SentClaim sent = s.claim();
        ClaimReply reply = s.reply(sent);
        assertRejected(Reason.WRONG_ADDRESS, () -> s.aChecks().verifyReply(reply, sent, Arrival.icmp(s.elsewhere(),
                s.a1())));
        assertRejected(Reason.WRONG_ADDRESS, () -> s.aChecks().verifyReply(reply, sent, Arrival.icmp(s.b(), s.a())));
        // Signed for another path and sent along the right one.
        ClaimReply misdirected = s.bSends().reply(sent.claim(), s.a(), reply.entries(), Arrival.icmp(s.elsewhere(),
                s.b()));
        assertRejected(Reason.BAD_MAC, () -> s.aChecks().verifyReply(misdirected, sent, Arrival.icmp(s.b(), s.a1())));
    }

    @ParameterizedTest
    @MethodSource("families")
    void replyToAnotherClaimIsRejected(Scenario s) {
        SentClaim sent = s.claim();
        SentClaim eighth = s.aSends().claim(8, s.a(), s.b(), entries(), new Envelope.Icmp(s.a1(), s.b()));
        ClaimReply toEighth = s.reply(eighth);
        assertRejected(Reason.UNEXPECTED_MESSAGE, () -> s.aChecks().verifyReply(toEighth, sent, Arrival.icmp(s.b(),
                s.a1())));
        SentClaim swapped = s.aSends().claim(7, s.a(), s.b(), List.of(entries().get(1), entries().get(0)),
                new Envelope.Icmp(s.a1(), s.b()));
        ClaimReply inOtherOrder = s.reply(swapped);
        assertRejected(Reason.UNEXPECTED_MESSAGE, () -> s.aChecks().verifyReply(inOtherOrder, sent,
                Arrival.icmp(s.b(), s.a1())));
        // A reply under A's own key (reflection of A's direction) fails the MAC.
        ClaimReply reflected = MessageAuthenticator.sign(s.reply(sent), s.keys().initiatorKeys().initiatorToResponder(),
                s.b(), s.a1());
        assertRejected(Reason.BAD_MAC, () -> s.aChecks().verifyReply(reflected, sent, Arrival.icmp(s.b(), s.a1())));
    }

    @ParameterizedTest
    @MethodSource("families")
    void aReplyMustAnswerEveryEntryInOrder(Scenario s) {
        Claim claim = s.claim().claim();
        ClaimEntry first = claim.entries().get(0);
        ClaimEntry second = claim.entries().get(1);
        List<List<ClaimReplyEntry>> wrong = List.of(
                List.of(ClaimReplyEntry.answering(first, ClaimVerdict.BOUND)),
                List.of(ClaimReplyEntry.answering(second, ClaimVerdict.BOUND),
                        ClaimReplyEntry.answering(first, ClaimVerdict.BOUND)),
                List.of(ClaimReplyEntry.answering(first, ClaimVerdict.BOUND),
                        new ClaimReplyEntry(ClaimVerdict.BOUND, ClaimProtocol.TCP, second.holderPort(),
                                second.peerPort(), second.holderPort())));
        for (List<ClaimReplyEntry> entries : wrong) {
            assertThrows(IllegalArgumentException.class,
                    () -> s.bSends().reply(claim, s.a(), entries, Arrival.icmp(s.a1(), s.b())), entries.toString());
        }
    }

    @ParameterizedTest
    @MethodSource("families")
    void flippingAnyBitOfClaimOrReplyIsRejected(Scenario s) throws Exception {
        SentClaim sent = s.claim();
        ClaimReply reply = s.reply(sent);
        byte[][] wires = {sent.encode(), SacipEncoder.encode(reply, s.b(), s.a1())};
        SacipAddress[][] paths = {{s.a1(), s.b()}, {s.b(), s.a1()}};
        int flips = 0;
        for (int m = 0; m < wires.length; m++) {
            SacipAddress src = paths[m][0];
            SacipAddress dst = paths[m][1];
            receive(s, sent, SacipDecoder.decode(wires[m], src, dst), src, dst);
            for (BitFlips.Flip flip : BitFlips.of(wires[m], src, dst)) {
                assertRejectedSomehow(s, sent, flip.icmp(), src, dst, "message " + m + " " + flip);
                flips++;
            }
        }
        // CLAIM of two entries: 12 + 60 + 48 + 16 octets; CLAIM_REPLY: 12 + 40 + 16 + 16.
        assertEquals(2 * 8 * (136 + 84), flips);
    }

    private static void receive(Scenario s, SentClaim sent, SacipMessage m, SacipAddress src, SacipAddress dst)
            throws SacipProtocolException {
        if (m instanceof Claim claim) {
            s.bChecks().verifyClaim(claim, Arrival.icmp(src, dst));
        } else if (m instanceof ClaimReply reply) {
            s.aChecks().verifyReply(reply, sent, Arrival.icmp(src, dst));
        } else {
            fail("unexpected " + m);
        }
    }

    private static void assertRejectedSomehow(Scenario s, SentClaim sent, byte[] wire, SacipAddress src,
            SacipAddress dst, String what) {
        SacipMessage decoded;
        try {
            decoded = SacipDecoder.decode(wire, src, dst);
        } catch (SacipCodecException e) {
            return;
        }
        try {
            receive(s, sent, decoded, src, dst);
        } catch (SacipProtocolException e) {
            return;
        }
        fail(what + " was accepted: " + Octets.of(wire));
    }
}
