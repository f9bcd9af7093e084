package org.sacip.protocol;

import java.time.Instant;
import java.util.HexFormat;
import org.sacip.protocol.codec.SacipEncoder;
import org.sacip.protocol.crypto.EphemeralKeyPair;
import org.sacip.protocol.handshake.AddressPair;
import org.sacip.protocol.handshake.HandshakeInitiator;
import org.sacip.protocol.handshake.HandshakeResponder;
import org.sacip.protocol.handshake.InitiatorCompletion;
import org.sacip.protocol.handshake.PendingHandshake;
import org.sacip.protocol.handshake.Role;
import org.sacip.protocol.handshake.SessionKeys;
import org.sacip.protocol.handshake.StatelessCookies;
import org.sacip.protocol.message.AddressUpdate;
import org.sacip.protocol.message.CookieReply;
import org.sacip.protocol.message.Hello;
import org.sacip.protocol.message.Init;
import org.sacip.protocol.message.Octets;
import org.sacip.protocol.message.PathChallenge;
import org.sacip.protocol.message.PathResponse;
import org.sacip.protocol.message.SacipAddress;
import org.sacip.protocol.message.SacipMessage;
import org.sacip.protocol.message.UpdateAck;
import org.sacip.protocol.move.MoveMessages;
import org.sacip.protocol.move.MoveVerifier;
import org.sacip.protocol.move.ReachabilityCheck;

/**
 * The worked example of docs/PROTOCOL.md, computed by the real code from fixed inputs: A (198.18.0.1) agrees keys
 * with B (198.18.0.2), then moves to 198.19.0.1. Private keys are Alice's and Bob's of RFC 7748 section 6.1.
 */
public final class WorkedExample {
    public static final SacipAddress A = SacipAddress.parse("198.18.0.1");
    public static final SacipAddress B = SacipAddress.parse("198.18.0.2");
    public static final SacipAddress A_NEW = SacipAddress.parse("198.19.0.1");
    public static final String A_PRIVATE = "77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a";
    public static final String B_PRIVATE = "5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb";
    public static final Octets NI = Octets.fromHex("000102030405060708090a0b0c0d0e0f");
    public static final Octets NR = Octets.fromHex("101112131415161718191a1b1c1d1e1f");
    public static final Octets COOKIE_SECRET =
            Octets.fromHex("c0c1c2c3c4c5c6c7c8c9cacbcccdcecfd0d1d2d3d4d5d6d7d8d9dadbdcdddedf");
    public static final Instant NOW = Instant.ofEpochSecond(1_700_000_000L);
    public static final Octets CHALLENGE = Octets.fromHex("a0a1a2a3a4a5a6a7a8a9aaabacadaeaf");

    public final byte[] hello;
    public final byte[] cookie;
    public final byte[] init;
    public final byte[] initReply;
    public final byte[] initConfirm;
    public final byte[] update;
    public final byte[] challenge;
    public final byte[] response;
    public final byte[] ack;
    public final SessionKeys initiatorKeys;
    public final SessionKeys responderKeys;

    public WorkedExample() throws SacipProtocolException {
        HexFormat hex = HexFormat.of();
        HandshakeInitiator initiator = HandshakeInitiator.first(new AddressPair(A, B), NI,
                EphemeralKeyPair.fromPrivateScalar(hex.parseHex(A_PRIVATE)));
        HandshakeResponder responder = new HandshakeResponder(StatelessCookies.withSecret(COOKIE_SECRET),
                new HandshakeResponder.Freshness() {
                    @Override
                    public Octets nextNonce() {
                        return NR;
                    }

                    @Override
                    public EphemeralKeyPair nextKeyPair() {
                        return EphemeralKeyPair.fromPrivateScalar(hex.parseHex(B_PRIVATE));
                    }
                });
        Hello helloMessage = initiator.hello();
        CookieReply cookieMessage = responder.onHello(helloMessage, A, B, NOW);
        Init initMessage = initiator.onCookie(cookieMessage);
        PendingHandshake pending = responder.onInit(initMessage, A, B, NOW);
        InitiatorCompletion done = initiator.onInitReply(pending.reply(), B, A);
        responderKeys = pending.onConfirm(done.confirm(), A, B);
        initiatorKeys = done.keys();

        AddressUpdate updateMessage = new MoveMessages(initiatorKeys, Role.INITIATOR).update(1, A_NEW, B);
        new MoveVerifier(responderKeys, Role.RESPONDER).verifyUpdate(updateMessage, A_NEW, B);
        ReachabilityCheck check = ReachabilityCheck.start(responderKeys, Role.RESPONDER, B, A_NEW, CHALLENGE);
        PathChallenge challengeMessage = check.challenge();
        PathResponse responseMessage = ReachabilityCheck.answer(challengeMessage, initiatorKeys, Role.INITIATOR, B, A_NEW);
        check.verify(responseMessage, A_NEW, B);
        UpdateAck ackMessage = new MoveMessages(responderKeys, Role.RESPONDER).acknowledge(updateMessage, B);

        hello = encode(helloMessage, A, B);
        cookie = encode(cookieMessage, B, A);
        init = encode(initMessage, A, B);
        initReply = encode(pending.reply(), B, A);
        initConfirm = encode(done.confirm(), A, B);
        update = encode(updateMessage, A_NEW, B);
        challenge = encode(challengeMessage, B, A_NEW);
        response = encode(responseMessage, A_NEW, B);
        ack = encode(ackMessage, B, A_NEW);
    }

    private static byte[] encode(SacipMessage message, SacipAddress source, SacipAddress destination) {
        return SacipEncoder.encode(message, source, destination);
    }

    /** 16 octets a line, separated by single spaces, as in the document. */
    public static String dump(byte[] bytes) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < bytes.length; i++) {
            if (i > 0) {
                out.append(i % 16 == 0 ? '\n' : ' ');
            }
            out.append(String.format("%02x", bytes[i] & 0xFF));
        }
        return out.toString();
    }

    /** Prints every value the document shows. */
    public static void main(String[] args) throws Exception {
        WorkedExample e = new WorkedExample();
        HexFormat hex = HexFormat.of();
        System.out.println("A public " + hex.formatHex(EphemeralKeyPair.fromPrivateScalar(hex.parseHex(A_PRIVATE)).publicShare().toByteArray()));
        System.out.println("keys I2R " + e.initiatorKeys.initiatorToResponder());
        System.out.println("keys R2I " + e.initiatorKeys.responderToInitiator());
        System.out.println("key id " + e.initiatorKeys.keyId());
        System.out.println("renewal " + e.initiatorKeys.renewalSecret());
        String[] names = {"HELLO", "COOKIE", "INIT", "INIT_REPLY", "INIT_CONFIRM", "ADDRESS_UPDATE",
                "PATH_CHALLENGE", "PATH_RESPONSE", "UPDATE_ACK"};
        byte[][] all = {e.hello, e.cookie, e.init, e.initReply, e.initConfirm, e.update, e.challenge, e.response, e.ack};
        for (int i = 0; i < names.length; i++) {
            System.out.println("== " + names[i] + " (" + all[i].length + ")\n" + dump(all[i]));
        }
    }
}
