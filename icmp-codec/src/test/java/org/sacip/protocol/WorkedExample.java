package org.sacip.protocol;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.HexFormat;
import java.util.List;
import org.sacip.protocol.claim.ClaimMessages;
import org.sacip.protocol.claim.ClaimProofs;
import org.sacip.protocol.claim.ClaimVerifier;
import org.sacip.protocol.claim.SentClaim;
import org.sacip.protocol.claim.TcpSide;
import org.sacip.protocol.codec.Arrival;
import org.sacip.protocol.codec.Envelope;
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
import org.sacip.protocol.message.ClaimEntry;
import org.sacip.protocol.message.ClaimReply;
import org.sacip.protocol.message.ClaimReplyEntry;
import org.sacip.protocol.message.ClaimVerdict;
import org.sacip.protocol.message.CookieReply;
import org.sacip.protocol.message.Hello;
import org.sacip.protocol.message.Init;
import org.sacip.protocol.message.Octets;
import org.sacip.protocol.message.PathChallenge;
import org.sacip.protocol.message.PathResponse;
import org.sacip.protocol.message.Rekey;
import org.sacip.protocol.message.SacipAddress;
import org.sacip.protocol.message.SacipMessage;
import org.sacip.protocol.message.UpdateAck;
import org.sacip.protocol.move.MoveMessages;
import org.sacip.protocol.move.MoveVerifier;
import org.sacip.protocol.move.ReachabilityCheck;

/**
 * The worked example of docs/PROTOCOL.md section 11, computed by the real code from fixed inputs: A (198.18.0.1)
 * agrees keys with B (198.18.0.2), claims a TCP and a UDP session, moves to 198.19.0.1 and renews the key from
 * there; the same hosts agree keys over IPv6 (2001:db8::a, 2001:db8::b); and a HELLO whose checksum is zero shows
 * the two checksum encodings receivers accept. Every authenticated message is verified by the receiving side's code
 * on the way. Private keys of the first handshake are Alice's and Bob's of RFC 7748 section 6.1.
 */
public final class WorkedExample {
    public static final SacipAddress A = SacipAddress.parse("198.18.0.1");
    public static final SacipAddress B = SacipAddress.parse("198.18.0.2");
    public static final SacipAddress A_NEW = SacipAddress.parse("198.19.0.1");
    public static final SacipAddress A6 = SacipAddress.parse("2001:db8::a");
    public static final SacipAddress B6 = SacipAddress.parse("2001:db8::b");
    public static final String A_PRIVATE = "77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a";
    public static final String B_PRIVATE = "5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb";
    public static final Octets NI = Octets.fromHex("000102030405060708090a0b0c0d0e0f");
    public static final Octets NR = Octets.fromHex("101112131415161718191a1b1c1d1e1f");
    public static final Octets COOKIE_SECRET =
            Octets.fromHex("c0c1c2c3c4c5c6c7c8c9cacbcccdcecfd0d1d2d3d4d5d6d7d8d9dadbdcdddedf");
    public static final Instant NOW = Instant.ofEpochSecond(1_700_000_000L);
    public static final Octets CHALLENGE = Octets.fromHex("a0a1a2a3a4a5a6a7a8a9aaabacadaeaf");

    /** The claimed TCP connection: A (client) port 50000 to B port 443; A's ISN is 0xffffffff. */
    public static final int TCP_A_PORT = 50000;
    public static final int TCP_B_PORT = 443;
    public static final int SYN_ACK_SEQUENCE = 0x0a0b0c0d;
    public static final int SYN_ACK_ACKNOWLEDGEMENT = 0x00000000;
    /** The claimed UDP flow: A port 50001 to B port 53; A sent first. */
    public static final int UDP_A_PORT = 50001;
    public static final int UDP_B_PORT = 53;
    public static final long CLAIM_NUMBER = 1;

    /** The renewal's fresh values (the private keys are any 32 octets; X25519 clamps them). */
    public static final Octets RENEWAL_NI = Octets.fromHex("202122232425262728292a2b2c2d2e2f");
    public static final Octets RENEWAL_NR = Octets.fromHex("303132333435363738393a3b3c3d3e3f");
    public static final String A_RENEWAL_PRIVATE = "404142434445464748494a4b4c4d4e4f505152535455565758595a5b5c5d5e5f";
    public static final String B_RENEWAL_PRIVATE = "606162636465666768696a6b6c6d6e6f707172737475767778797a7b7c7d7e7f";

    /** The first 14 octets of the nonce of the HELLO whose checksum is zero; the last two are chosen for it. */
    public static final String ZERO_CHECKSUM_NONCE_PREFIX = "000102030405060708090a0b0c0d";

    /** One message of the example: its name in the document, the outer addresses and the whole ICMP message. */
    public record Step(String name, SacipAddress source, SacipAddress destination, byte[] icmp) {
    }

    public final SessionKeys initiatorKeys;
    public final SessionKeys responderKeys;
    public final Octets cookie;
    public final Octets tcpProof;
    public final Octets udpDigestA;
    public final Octets udpDigestB;
    public final SessionKeys renewedKeys;
    public final SessionKeys ipv6Keys;
    public final Octets ipv6Cookie;
    /** The HELLO whose checksum field is 0x0000, and the same message with 0xffff there. */
    public final byte[] zeroChecksumHello;
    public final byte[] onesChecksumHello;
    public final Octets zeroChecksumNonce;
    private final List<Step> steps = new ArrayList<>();

    public WorkedExample() throws SacipProtocolException {
        HexFormat hex = HexFormat.of();
        Deque<EphemeralKeyPair> responderKeyPairs = new ArrayDeque<>(List.of(keyPair(B_PRIVATE),
                keyPair(B_RENEWAL_PRIVATE), keyPair(B_PRIVATE)));
        Deque<Octets> responderNonces = new ArrayDeque<>(List.of(NR, RENEWAL_NR, NR));
        HandshakeResponder responder = new HandshakeResponder(StatelessCookies.withSecret(COOKIE_SECRET),
                new HandshakeResponder.Freshness() {
                    @Override
                    public Octets nextNonce() {
                        return responderNonces.removeFirst();
                    }

                    @Override
                    public EphemeralKeyPair nextKeyPair() {
                        return responderKeyPairs.removeFirst();
                    }
                });

        // First handshake, A -> B.
        HandshakeInitiator initiator = HandshakeInitiator.first(new AddressPair(A, B), NI, keyPair(A_PRIVATE));
        Hello hello = initiator.hello();
        add("HELLO", hello, A, B);
        CookieReply cookieReply = responder.onHello(hello, Arrival.icmp(A, B), NOW);
        cookie = cookieReply.cookie();
        add("COOKIE", cookieReply, B, A);
        Init init = initiator.onCookie(cookieReply);
        add("INIT", init, A, B);
        PendingHandshake pending = responder.onInit(init, Arrival.icmp(A, B), NOW);
        add("INIT_REPLY", pending.reply(), B, A);
        InitiatorCompletion done = initiator.onInitReply(pending.reply(), Arrival.icmp(B, A));
        add("INIT_CONFIRM", done.confirm(), A, B);
        responderKeys = pending.onConfirm(done.confirm(), Arrival.icmp(A, B));
        initiatorKeys = done.keys();

        // A claims the TCP connection and the UDP flow it opened.
        tcpProof = ClaimProofs.tcpProof(SYN_ACK_SEQUENCE, SYN_ACK_ACKNOWLEDGEMENT, TcpSide.CLIENT);
        udpDigestA = ClaimProofs.udpDigest(udpPayloadA());
        udpDigestB = ClaimProofs.udpDigest(udpPayloadB());
        List<ClaimEntry> entries = List.of(ClaimEntry.tcp(TCP_A_PORT, TCP_B_PORT, tcpProof),
                ClaimEntry.udp(UDP_A_PORT, UDP_B_PORT, ClaimProofs.udpProof(udpDigestA, udpDigestB)));
        SentClaim claim = new ClaimMessages(initiatorKeys, Role.INITIATOR).claim(CLAIM_NUMBER, A, B, entries,
                new Envelope.Icmp(A, B));
        new ClaimVerifier(responderKeys, Role.RESPONDER).verifyClaim(claim.claim(), Arrival.icmp(A, B));
        add("CLAIM", claim.claim(), A, B);
        // B computes the same proofs from its own record (B is the TCP server; A is the holder).
        if (!ClaimProofs.tcpProof(SYN_ACK_SEQUENCE, SYN_ACK_ACKNOWLEDGEMENT, TcpSide.CLIENT).equals(tcpProof)) {
            throw new IllegalStateException("B's record gives another proof");
        }
        ClaimReply claimReply = new ClaimMessages(responderKeys, Role.RESPONDER).reply(claim.claim(), A,
                List.of(ClaimReplyEntry.answering(entries.get(0), ClaimVerdict.BOUND),
                        ClaimReplyEntry.answering(entries.get(1), ClaimVerdict.BOUND)), Arrival.icmp(A, B));
        new ClaimVerifier(initiatorKeys, Role.INITIATOR).verifyReply(claimReply, claim, Arrival.icmp(B, A));
        add("CLAIM_REPLY", claimReply, B, A);

        // A moves to A_NEW.
        AddressUpdate update = new MoveMessages(initiatorKeys, Role.INITIATOR).update(1, new Envelope.Icmp(A_NEW, B));
        new MoveVerifier(responderKeys, Role.RESPONDER).verifyUpdate(update, Arrival.icmp(A_NEW, B));
        add("ADDRESS_UPDATE", update, A_NEW, B);
        ReachabilityCheck check = ReachabilityCheck.start(responderKeys, Role.RESPONDER, new Envelope.Icmp(B, A_NEW),
                CHALLENGE);
        PathChallenge challenge = check.challenge();
        add("PATH_CHALLENGE", challenge, B, A_NEW);
        PathResponse response = ReachabilityCheck.answer(challenge, initiatorKeys, Role.INITIATOR,
                Arrival.icmp(B, A_NEW));
        check.verify(response, Arrival.icmp(A_NEW, B));
        add("PATH_RESPONSE", response, A_NEW, B);
        UpdateAck ack = new MoveMessages(responderKeys, Role.RESPONDER).acknowledge(update,
                new Envelope.Icmp(B, update.currentAddress()));
        new MoveVerifier(initiatorKeys, Role.INITIATOR).verifyAck(ack, update, Arrival.icmp(B, A_NEW));
        add("UPDATE_ACK", ack, B, A_NEW);

        // A renews the key from A_NEW; the new key stays bound to A and B.
        HandshakeInitiator renewal = HandshakeInitiator.renewal(initiatorKeys, Role.INITIATOR,
                new AddressPair(A_NEW, B), RENEWAL_NI, keyPair(A_RENEWAL_PRIVATE));
        Rekey rekey = renewal.rekey(new Envelope.Icmp(A_NEW, B));
        add("REKEY", rekey, A_NEW, B);
        PendingHandshake renewing = responder.onRekey(rekey, responderKeys, Role.RESPONDER, Arrival.icmp(A_NEW, B));
        add("RENEWAL INIT_REPLY", renewing.reply(), B, A_NEW);
        InitiatorCompletion renewed = renewal.onInitReply(renewing.reply(), Arrival.icmp(B, A_NEW));
        add("RENEWAL INIT_CONFIRM", renewed.confirm(), A_NEW, B);
        renewedKeys = renewing.onConfirm(renewed.confirm(), Arrival.icmp(A_NEW, B));
        if (!renewedKeys.equals(renewed.keys())) {
            throw new IllegalStateException("the renewal gave the two sides different keys");
        }

        // The same hosts over IPv6 (same private keys and nonces, to keep the inputs short).
        HandshakeInitiator initiator6 = HandshakeInitiator.first(new AddressPair(A6, B6), NI, keyPair(A_PRIVATE));
        CookieReply cookie6 = responder.onHello(initiator6.hello(), Arrival.icmp(A6, B6), NOW);
        ipv6Cookie = cookie6.cookie();
        Init init6 = initiator6.onCookie(cookie6);
        add("IPv6 INIT", init6, A6, B6);
        PendingHandshake pending6 = responder.onInit(init6, Arrival.icmp(A6, B6), NOW);
        add("IPv6 INIT_REPLY", pending6.reply(), B6, A6);
        InitiatorCompletion done6 = initiator6.onInitReply(pending6.reply(), Arrival.icmp(B6, A6));
        add("IPv6 INIT_CONFIRM", done6.confirm(), A6, B6);
        ipv6Keys = pending6.onConfirm(done6.confirm(), Arrival.icmp(A6, B6));

        // A HELLO whose checksum is zero: the last nonce word is the checksum the message has with that word zero.
        byte[] probe = SacipEncoder.encode(new Hello(Octets.fromHex(ZERO_CHECKSUM_NONCE_PREFIX + "0000")), A, B);
        zeroChecksumNonce = Octets.fromHex(ZERO_CHECKSUM_NONCE_PREFIX + hex.formatHex(probe, 2, 4));
        zeroChecksumHello = SacipEncoder.encode(new Hello(zeroChecksumNonce), A, B);
        onesChecksumHello = zeroChecksumHello.clone();
        onesChecksumHello[2] = (byte) 0xFF;
        onesChecksumHello[3] = (byte) 0xFF;
    }

    /** A's first UDP payload: 300 octets, octet i = i mod 256 (the digest covers the first 256). */
    public static byte[] udpPayloadA() {
        byte[] payload = new byte[300];
        for (int i = 0; i < payload.length; i++) {
            payload[i] = (byte) i;
        }
        return payload;
    }

    /** B's first UDP payload: the 5 ASCII octets "hello". */
    public static byte[] udpPayloadB() {
        return "hello".getBytes(StandardCharsets.US_ASCII);
    }

    /** Every message of the example, in the document's order (the checksum pair is apart). */
    public List<Step> steps() {
        return Collections.unmodifiableList(steps);
    }

    /** The step of this name. */
    public Step step(String name) {
        return steps.stream().filter(s -> s.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no step " + name));
    }

    private void add(String name, SacipMessage message, SacipAddress source, SacipAddress destination) {
        steps.add(new Step(name, source, destination, SacipEncoder.encode(message, source, destination)));
    }

    static EphemeralKeyPair keyPair(String privateHex) {
        return EphemeralKeyPair.fromPrivateScalar(HexFormat.of().parseHex(privateHex));
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

    private static void printKeys(String name, SessionKeys keys) {
        System.out.println(name + " K_IR " + keys.initiatorToResponder());
        System.out.println(name + " K_RI " + keys.responderToInitiator());
        System.out.println(name + " KID  " + keys.keyId());
        System.out.println(name + " RS   " + keys.renewalSecret());
    }

    /** Prints every value the document shows. */
    public static void main(String[] args) throws Exception {
        WorkedExample e = new WorkedExample();
        System.out.println("SI " + keyPair(A_PRIVATE).publicShare());
        System.out.println("SR " + keyPair(B_PRIVATE).publicShare());
        System.out.println("renewal SI " + keyPair(A_RENEWAL_PRIVATE).publicShare());
        System.out.println("renewal SR " + keyPair(B_RENEWAL_PRIVATE).publicShare());
        System.out.println("cookie " + e.cookie + ", IPv6 cookie " + e.ipv6Cookie);
        printKeys("first", e.initiatorKeys);
        printKeys("renewed", e.renewedKeys);
        printKeys("IPv6", e.ipv6Keys);
        System.out.println("TCP proof " + e.tcpProof);
        System.out.println("UDP digest A " + e.udpDigestA + ", B " + e.udpDigestB);
        System.out.println("zero-checksum nonce " + e.zeroChecksumNonce);
        for (Step step : e.steps()) {
            System.out.println("== " + step.name() + " " + step.source() + " -> " + step.destination() + " ("
                    + step.icmp().length + ")\n" + dump(step.icmp()));
        }
        System.out.println("== zero checksum\n" + dump(e.zeroChecksumHello) + "\n== ones\n" + dump(e.onesChecksumHello));
    }
}
