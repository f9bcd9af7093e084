package org.sacip.protocol.handshake;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.SecureRandom;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.sacip.protocol.SacipProtocolException.Reason;
import org.sacip.protocol.SacipProtocolException;
import org.sacip.protocol.codec.Arrival;
import org.sacip.protocol.codec.Envelope;
import org.sacip.protocol.codec.SacipDecoder;
import org.sacip.protocol.codec.SacipEncoder;
import org.sacip.protocol.message.CookieReply;
import org.sacip.protocol.message.Hello;
import org.sacip.protocol.message.Init;
import org.sacip.protocol.message.InitReply;
import org.sacip.protocol.message.Octets;
import org.sacip.protocol.message.Rekey;
import org.sacip.protocol.message.SacipAddress;

class HandshakeTest {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final SacipAddress A = SacipAddress.parse("198.18.1.1");
    private static final SacipAddress B = SacipAddress.parse("198.18.1.2");
    private static final SacipAddress C = SacipAddress.parse("198.18.1.3");
    private static final SacipAddress A6 = SacipAddress.parse("2001:db8:1::a");
    private static final SacipAddress B6 = SacipAddress.parse("2001:db8:1::b");
    private static final Instant NOW = Handshakes.NOW;

    private static void assertRejected(Reason reason, Executable action) {
        SacipProtocolException e = assertThrows(SacipProtocolException.class, action);
        assertEquals(reason, e.reason(), e.getMessage());
    }

    @Test
    void fullExchangeInBothDirectionsAndBothFamilies() throws Exception {
        for (SacipAddress[] pair : new SacipAddress[][] {{A, B}, {B, A}, {A6, B6}, {B6, A6}}) {
            Handshakes.Result result = Handshakes.run(pair[0], pair[1]);
            assertEquals(result.initiatorKeys(), result.responderKeys());
            SessionKeys keys = result.initiatorKeys();
            assertEquals(pair[0], keys.initiatorAddress());
            assertEquals(pair[1], keys.responderAddress());
            assertNotEquals(keys.initiatorToResponder(), keys.responderToInitiator(), "one key per direction");
        }
    }

    @Test
    void everyHandshakeGivesFreshKeys() throws Exception {
        assertNotEquals(Handshakes.run(A, B).initiatorKeys(), Handshakes.run(A, B).initiatorKeys());
    }

    @Test
    void messagesSurviveTheWire() throws Exception {
        HandshakeInitiator i = HandshakeInitiator.first(new AddressPair(A6, B6), RANDOM);
        HandshakeResponder r = Handshakes.responder();
        Hello hello = (Hello) SacipDecoder.decode(SacipEncoder.encode(i.hello(), A6, B6), A6, B6);
        CookieReply cookie = (CookieReply) SacipDecoder.decode(
                SacipEncoder.encode(r.onHello(hello, Arrival.icmp(A6, B6), NOW), B6, A6), B6, A6);
        Init init = (Init) SacipDecoder.decode(SacipEncoder.encode(i.onCookie(cookie), A6, B6), A6, B6);
        PendingHandshake pending = r.onInit(init, Arrival.icmp(A6, B6), NOW);
        InitReply reply = (InitReply) SacipDecoder.decode(SacipEncoder.encode(pending.reply(), B6, A6), B6, A6);
        InitiatorCompletion done = i.onInitReply(reply, Arrival.icmp(B6, A6));
        assertEquals(done.keys(), pending.onConfirm(done.confirm(), Arrival.icmp(A6, B6)));
    }

    @Test
    void noReplyIsLargerThanItsRequest() throws Exception {
        HandshakeInitiator i = HandshakeInitiator.first(new AddressPair(A, B), RANDOM);
        HandshakeResponder r = Handshakes.responder();
        Hello hello = i.hello();
        CookieReply cookie = r.onHello(hello, Arrival.icmp(A, B), NOW);
        Init init = i.onCookie(cookie);
        InitReply reply = r.onInit(init, Arrival.icmp(A, B), NOW).reply();
        assertTrue(SacipEncoder.encodedLength(cookie) <= SacipEncoder.encodedLength(hello));
        assertTrue(SacipEncoder.encodedLength(reply) <= SacipEncoder.encodedLength(init));
    }

    @Test
    void cookieReplayedFromAnotherAddressIsRefused() throws Exception {
        HandshakeInitiator i = HandshakeInitiator.first(new AddressPair(A, B), RANDOM);
        HandshakeResponder r = Handshakes.responder();
        Init init = i.onCookie(r.onHello(i.hello(), Arrival.icmp(A, B), NOW));
        assertRejected(Reason.BAD_COOKIE, () -> r.onInit(init, Arrival.icmp(C, B), NOW));
        assertRejected(Reason.BAD_COOKIE, () -> r.onInit(init, Arrival.icmp(A, C), NOW));
        r.onInit(init, Arrival.icmp(A, B), NOW);
    }

    @Test
    void cookieForAnotherNonceIsRefused() throws Exception {
        HandshakeInitiator i = HandshakeInitiator.first(new AddressPair(A, B), RANDOM);
        HandshakeResponder r = Handshakes.responder();
        Init init = i.onCookie(r.onHello(i.hello(), Arrival.icmp(A, B), NOW));
        Init otherNonce = new Init(Octets.zeros(16), init.cookie(), init.initiatorShare());
        assertRejected(Reason.BAD_COOKIE, () -> r.onInit(otherNonce, Arrival.icmp(A, B), NOW));
    }

    @Test
    void cookieLivesOneToTwoSlotsAndSurvivesOneRotation() throws Exception {
        HandshakeInitiator i = HandshakeInitiator.first(new AddressPair(A, B), RANDOM);
        StatelessCookies cookies = StatelessCookies.withSecret(Octets.of(new byte[32]));
        HandshakeResponder r = new HandshakeResponder(cookies, HandshakeResponder.Freshness.from(RANDOM));
        Instant slotStart = Instant.ofEpochSecond(StatelessCookies.slotOf(NOW) * StatelessCookies.SLOT_SECONDS);
        Init init = i.onCookie(r.onHello(i.hello(), Arrival.icmp(A, B), slotStart));
        r.onInit(init, Arrival.icmp(A, B), slotStart.plusSeconds(119));
        assertRejected(Reason.BAD_COOKIE, () -> r.onInit(init, Arrival.icmp(A, B), slotStart.plusSeconds(120)));
        assertRejected(Reason.BAD_COOKIE, () -> r.onInit(init, Arrival.icmp(A, B), slotStart.minusSeconds(1)));

        HandshakeResponder once = r.withCookies(cookies.rotate(GoldenSecrets.second()));
        once.onInit(init, Arrival.icmp(A, B), slotStart);
        HandshakeResponder twice = r.withCookies(cookies.rotate(GoldenSecrets.second()).rotate(GoldenSecrets.third()));
        assertRejected(Reason.BAD_COOKIE, () -> twice.onInit(init, Arrival.icmp(A, B), slotStart));
    }

    @Test
    void cookieReplyForAnotherNonceIsIgnored() {
        HandshakeInitiator i = HandshakeInitiator.first(new AddressPair(A, B), RANDOM);
        assertRejected(Reason.NONCE_MISMATCH, () -> i.onCookie(new CookieReply(Octets.zeros(16), Octets.zeros(16))));
    }

    @Test
    void replyFromAnotherAddressOrTamperedIsRejected() throws Exception {
        HandshakeInitiator i = HandshakeInitiator.first(new AddressPair(A, B), RANDOM);
        HandshakeResponder r = Handshakes.responder();
        PendingHandshake pending = r.onInit(i.onCookie(r.onHello(i.hello(), Arrival.icmp(A, B), NOW)),
                Arrival.icmp(A, B), NOW);
        InitReply reply = pending.reply();
        assertRejected(Reason.WRONG_ADDRESS, () -> i.onInitReply(reply, Arrival.icmp(C, A)));
        // A man in the middle replacing the share without the key cannot make the MAC verify.
        InitReply swapped = new InitReply(reply.initiatorNonce(), reply.responderNonce(),
                Octets.of(org.sacip.protocol.crypto.X25519Shares.somePublicShare()), reply.mac());
        assertRejected(Reason.BAD_MAC, () -> i.onInitReply(swapped, Arrival.icmp(B, A)));
        InitReply otherNonce = new InitReply(Octets.zeros(16), reply.responderNonce(), reply.responderShare(),
                reply.mac());
        assertRejected(Reason.NONCE_MISMATCH, () -> i.onInitReply(otherNonce, Arrival.icmp(B, A)));
        i.onInitReply(reply, Arrival.icmp(B, A));
    }

    @Test
    void confirmationOnlyFromTheAddressTheHandshakeRanWith() throws Exception {
        HandshakeInitiator i = HandshakeInitiator.first(new AddressPair(A, B), RANDOM);
        HandshakeResponder r = Handshakes.responder();
        PendingHandshake pending = r.onInit(i.onCookie(r.onHello(i.hello(), Arrival.icmp(A, B), NOW)),
                Arrival.icmp(A, B), NOW);
        InitiatorCompletion done = i.onInitReply(pending.reply(), Arrival.icmp(B, A));
        assertRejected(Reason.WRONG_ADDRESS, () -> pending.onConfirm(done.confirm(), Arrival.icmp(C, B)));
        assertRejected(Reason.BAD_MAC, () -> pending.onConfirm(done.confirm().withMac(Octets.zeros(16)),
                Arrival.icmp(A, B)));
        assertEquals(done.keys(), pending.onConfirm(done.confirm(), Arrival.icmp(A, B)));
    }

    @Test
    void smallOrderShareIsRefused() throws Exception {
        HandshakeInitiator i = HandshakeInitiator.first(new AddressPair(A, B), RANDOM);
        HandshakeResponder r = Handshakes.responder();
        Init init = i.onCookie(r.onHello(i.hello(), Arrival.icmp(A, B), NOW));
        Init weak = new Init(init.initiatorNonce(), init.cookie(), Octets.zeros(32));
        assertRejected(Reason.WEAK_KEY_SHARE, () -> r.onInit(weak, Arrival.icmp(A, B), NOW));
    }

    @Test
    void simultaneousInitiationEndsWithOneHandshake() throws Exception {
        HandshakeInitiator fromA = HandshakeInitiator.first(new AddressPair(A, B), RANDOM);
        HandshakeInitiator fromB = HandshakeInitiator.first(new AddressPair(B, A), RANDOM);
        HandshakeResponder responderAtA = Handshakes.responder();
        HandshakeResponder responderAtB = Handshakes.responder();
        // Both HELLOs cross, both are answered statelessly, both INITs cross.
        Init initFromA = fromA.onCookie(responderAtB.onHello(fromA.hello(), Arrival.icmp(A, B), NOW));
        Init initFromB = fromB.onCookie(responderAtA.onHello(fromB.hello(), Arrival.icmp(B, A), NOW));

        boolean aYields = InitiationTieBreak.localYields(fromA.nonce(), initFromB.initiatorNonce());
        boolean bYields = InitiationTieBreak.localYields(fromB.nonce(), initFromA.initiatorNonce());
        assertTrue(aYields ^ bYields, "exactly one side yields");
        assertEquals(aYields, InitiationTieBreak.localContinues(fromB.nonce(), initFromA.initiatorNonce()));

        Handshakes.Result result;
        if (aYields) {
            PendingHandshake atA = responderAtA.onInit(initFromB, Arrival.icmp(B, A), NOW);
            InitiatorCompletion done = fromB.onInitReply(atA.reply(), Arrival.icmp(A, B));
            result = new Handshakes.Result(done.keys(), atA.onConfirm(done.confirm(), Arrival.icmp(B, A)));
        } else {
            PendingHandshake atB = responderAtB.onInit(initFromA, Arrival.icmp(A, B), NOW);
            InitiatorCompletion done = fromA.onInitReply(atB.reply(), Arrival.icmp(B, A));
            result = new Handshakes.Result(done.keys(), atB.onConfirm(done.confirm(), Arrival.icmp(A, B)));
        }
        assertEquals(result.initiatorKeys(), result.responderKeys());
    }

    @Test
    void equalNoncesMakeBothSidesStartAgain() {
        Octets same = Octets.fromHex("00112233445566778899aabbccddeeff");
        assertFalse(InitiationTieBreak.localYields(same, same));
        assertFalse(InitiationTieBreak.localContinues(same, same));
    }

    @Test
    void tieBreakComparesUnsigned() {
        Octets high = Octets.fromHex("80000000000000000000000000000000");
        Octets low = Octets.fromHex("7fffffffffffffffffffffffffffffff");
        assertTrue(InitiationTieBreak.localYields(low, high));
        assertTrue(InitiationTieBreak.localContinues(high, low));
    }

    @Test
    void renewalUnderTheOldKeyFromAMovedAddressKeepsTheBinding() throws Exception {
        Handshakes.Result first = Handshakes.run(A, B);
        SacipAddress aMoved = C;
        HandshakeInitiator renew = HandshakeInitiator.renewal(first.initiatorKeys(), Role.INITIATOR,
                new AddressPair(aMoved, B), RANDOM);
        Rekey rekey = (Rekey) SacipDecoder.decode(SacipEncoder.encode(renew.rekey(new Envelope.Icmp(aMoved, B)),
                aMoved, B), aMoved, B);
        PendingHandshake pending = Handshakes.responder().onRekey(rekey, first.responderKeys(), Role.RESPONDER,
                Arrival.icmp(aMoved, B));
        InitiatorCompletion done = renew.onInitReply(pending.reply(), Arrival.icmp(B, aMoved));
        SessionKeys renewed = pending.onConfirm(done.confirm(), Arrival.icmp(aMoved, B));
        assertEquals(done.keys(), renewed);
        assertNotEquals(first.initiatorKeys().keyId(), renewed.keyId());
        assertNotEquals(first.initiatorKeys().initiatorToResponder(), renewed.initiatorToResponder());
        assertEquals(A, renewed.initiatorAddress(), "still bound to the original address");
        assertEquals(B, renewed.responderAddress());
    }

    @Test
    void renewalStartedByTheFormerResponderSwapsRoles() throws Exception {
        Handshakes.Result first = Handshakes.run(A, B);
        HandshakeInitiator renew = HandshakeInitiator.renewal(first.responderKeys(), Role.RESPONDER,
                new AddressPair(B, A), RANDOM);
        PendingHandshake pending = Handshakes.responder().onRekey(renew.rekey(new Envelope.Icmp(B, A)),
                first.initiatorKeys(),
                Role.INITIATOR, Arrival.icmp(B, A));
        InitiatorCompletion done = renew.onInitReply(pending.reply(), Arrival.icmp(A, B));
        SessionKeys renewed = pending.onConfirm(done.confirm(), Arrival.icmp(B, A));
        assertEquals(done.keys(), renewed);
        assertEquals(B, renewed.initiatorAddress());
        assertEquals(A, renewed.responderAddress());
    }

    @Test
    void renewalNeedsTheOldKey() throws Exception {
        Handshakes.Result first = Handshakes.run(A, B);
        Handshakes.Result unrelated = Handshakes.run(A, B);
        HandshakeInitiator forged = HandshakeInitiator.renewal(unrelated.initiatorKeys(), Role.INITIATOR,
                new AddressPair(A, B), RANDOM);
        Rekey rekey = forged.rekey(new Envelope.Icmp(A, B));
        assertRejected(Reason.UNKNOWN_KEY,
                () -> Handshakes.responder().onRekey(rekey, first.responderKeys(), Role.RESPONDER, Arrival.icmp(A, B)));
        Rekey sameIdWrongKey = new Rekey(first.responderKeys().keyId(), rekey.initiatorNonce(),
                rekey.initiatorShare(), rekey.mac());
        assertRejected(Reason.BAD_MAC,
                () -> Handshakes.responder().onRekey(sameIdWrongKey, first.responderKeys(), Role.RESPONDER,
                        Arrival.icmp(A, B)));
    }

    @Test
    void renewedKeyDependsOnTheOldOne() throws Exception {
        // Same nonces and shares, different previous renewal secret: different keys.
        byte[] z = new byte[32];
        z[0] = 1;
        Octets n = Octets.zeros(16);
        Octets s = Octets.zeros(32);
        SessionKeys first = KeySchedule.derive(z, java.util.Optional.of(Octets.zeros(32)), n, n, s, s, A, B);
        SessionKeys second = KeySchedule.derive(z, java.util.Optional.of(GoldenSecrets.second()), n, n, s, s, A, B);
        assertNotEquals(first.initiatorToResponder(), second.initiatorToResponder());
    }
}
