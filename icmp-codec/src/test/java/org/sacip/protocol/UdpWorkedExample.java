package org.sacip.protocol;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.sacip.protocol.codec.UdpEncoder;
import org.sacip.protocol.codec.UdpEnvelope;
import org.sacip.protocol.codec.UdpFraming;
import org.sacip.protocol.crypto.EphemeralKeyPair;
import org.sacip.protocol.crypto.MessageAuthenticator;
import org.sacip.protocol.handshake.KeySchedule;
import org.sacip.protocol.handshake.SessionKeys;
import org.sacip.protocol.handshake.StatelessCookies;
import org.sacip.protocol.message.CookieReply;
import org.sacip.protocol.message.Hello;
import org.sacip.protocol.message.Init;
import org.sacip.protocol.message.InitConfirm;
import org.sacip.protocol.message.InitReply;
import org.sacip.protocol.message.Octets;
import org.sacip.protocol.message.PathChallenge;
import org.sacip.protocol.message.PathResponse;
import org.sacip.protocol.message.SacipMessage;
import org.sacip.protocol.message.UdpEndpoint;

/**
 * The worked example of docs/PROTOCOL.md section 13.11: the first handshake of section 11 again, now over UDP with A
 * behind a NAT, then a keepalive. Each side derives its keys from what it sees: A from the endpoints it stated, B
 * from the INIT's stated endpoints (which arrived from the NAT's public endpoint). The messages are built with the
 * codec's primitives (cookies, MACs, encoder); {@code WorkedExampleTest} decodes every datagram at the endpoints it
 * arrives with and verifies every MAC with the envelope it carries.
 */
public final class UdpWorkedExample {
    public static final UdpEndpoint A = new UdpEndpoint(WorkedExample.A, 40000);
    public static final UdpEndpoint B = new UdpEndpoint(WorkedExample.B, UdpFraming.DEFAULT_PORT);
    /** The NAT's public endpoint for A's socket: what B observes, and what B's datagrams are addressed to. */
    public static final UdpEndpoint A_PUBLIC = UdpEndpoint.of("198.19.255.1", 61000);
    /** Challenge bits of A's keepalive. */
    public static final Octets KEEPALIVE_CHALLENGE = Octets.fromHex("b0b1b2b3b4b5b6b7b8b9babbbcbdbebf");

    /** A datagram as sent, with the endpoints it arrives with after the NAT. */
    public record Datagram(String name, UdpEnvelope stated, UdpEndpoint observedSource, UdpEndpoint observedDestination,
            byte[] payload) {
    }

    public final Octets cookie;
    public final SessionKeys initiatorKeys;
    public final SessionKeys responderKeys;
    private final List<Datagram> datagrams = new ArrayList<>();

    public UdpWorkedExample() throws SacipProtocolException {
        UdpEnvelope fromA = new UdpEnvelope(A, B);
        UdpEnvelope fromB = new UdpEnvelope(B, A_PUBLIC);
        EphemeralKeyPair aPair = WorkedExample.keyPair(WorkedExample.A_PRIVATE);
        EphemeralKeyPair bPair = WorkedExample.keyPair(WorkedExample.B_PRIVATE);

        add("UDP HELLO", new Hello(WorkedExample.NI), fromA);
        // B's cookie binds the endpoint it saw (the NAT's) and its own.
        cookie = StatelessCookies.withSecret(WorkedExample.COOKIE_SECRET).mint(WorkedExample.NOW, A_PUBLIC, B,
                WorkedExample.NI);
        add("UDP COOKIE", new CookieReply(WorkedExample.NI, cookie), fromB);
        Init init = new Init(WorkedExample.NI, cookie, aPair.publicShare());
        add("UDP INIT", init, fromA);
        // B binds the lineage to the INIT's stated addresses, A to the ones it stated: the same pair.
        responderKeys = KeySchedule.derive(bPair.sharedSecret(aPair.publicShare()), Optional.empty(),
                WorkedExample.NI, WorkedExample.NR, aPair.publicShare(), bPair.publicShare(), fromA.source(),
                fromA.destination());
        add("UDP INIT_REPLY", MessageAuthenticator.sign(new InitReply(WorkedExample.NI, WorkedExample.NR,
                bPair.publicShare(), Octets.zeros(16)), responderKeys.responderToInitiator(), fromB), fromB);
        initiatorKeys = KeySchedule.derive(aPair.sharedSecret(bPair.publicShare()), Optional.empty(),
                WorkedExample.NI, WorkedExample.NR, aPair.publicShare(), bPair.publicShare(), A.address(),
                B.address());
        add("UDP INIT_CONFIRM", MessageAuthenticator.sign(new InitConfirm(WorkedExample.NI, WorkedExample.NR,
                Octets.zeros(16)), initiatorKeys.initiatorToResponder(), fromA), fromA);
        // A, behind the NAT, keeps its mapping alive: a challenge under its direction key, answered by B.
        add("UDP keepalive PATH_CHALLENGE", MessageAuthenticator.sign(new PathChallenge(initiatorKeys.keyId(),
                KEEPALIVE_CHALLENGE, Octets.zeros(16)), initiatorKeys.initiatorToResponder(), fromA), fromA);
        add("UDP keepalive PATH_RESPONSE", MessageAuthenticator.sign(new PathResponse(responderKeys.keyId(),
                KEEPALIVE_CHALLENGE, Octets.zeros(16)), responderKeys.responderToInitiator(), fromB), fromB);
    }

    private void add(String name, SacipMessage message, UdpEnvelope stated) {
        boolean fromA = stated.statedSource().equals(A);
        datagrams.add(new Datagram(name, stated, fromA ? A_PUBLIC : B, fromA ? B : A,
                UdpEncoder.encode(message, stated)));
    }

    public List<Datagram> datagrams() {
        return List.copyOf(datagrams);
    }

    /** Prints every datagram as the document shows it. */
    public static void main(String[] args) throws Exception {
        UdpWorkedExample e = new UdpWorkedExample();
        System.out.println("UDP cookie " + e.cookie);
        for (Datagram d : e.datagrams()) {
            System.out.println("== " + d.name() + " stated " + d.stated().statedSource() + " -> "
                    + d.stated().statedDestination() + ", arrives from " + d.observedSource() + " ("
                    + d.payload().length + ")\n" + WorkedExample.dump(d.payload()));
        }
    }
}
