package org.sacip.protocol.handshake;

import java.security.SecureRandom;
import java.time.Instant;
import org.sacip.protocol.SacipProtocolException;
import org.sacip.protocol.codec.Arrival;
import org.sacip.protocol.message.Octets;
import org.sacip.protocol.message.SacipAddress;

/** Runs complete handshakes between two in-memory hosts, for tests. */
public final class Handshakes {
    public static final Instant NOW = Instant.ofEpochSecond(1_800_000_000L);
    private static final SecureRandom RANDOM = new SecureRandom();

    /** The keys both sides hold after a handshake. */
    public record Result(SessionKeys initiatorKeys, SessionKeys responderKeys) {
    }

    private Handshakes() {
    }

    public static HandshakeResponder responder() {
        byte[] secret = new byte[32];
        RANDOM.nextBytes(secret);
        return new HandshakeResponder(StatelessCookies.withSecret(Octets.of(secret)),
                HandshakeResponder.Freshness.from(RANDOM));
    }

    public static Result run(SacipAddress initiator, SacipAddress responder) throws SacipProtocolException {
        HandshakeInitiator i = HandshakeInitiator.first(new AddressPair(initiator, responder), RANDOM);
        HandshakeResponder r = responder();
        PendingHandshake pending = r.onInit(i.onCookie(r.onHello(i.hello(), Arrival.icmp(initiator, responder), NOW)),
                Arrival.icmp(initiator, responder), NOW);
        InitiatorCompletion done = i.onInitReply(pending.reply(), Arrival.icmp(responder, initiator));
        return new Result(done.keys(), pending.onConfirm(done.confirm(), Arrival.icmp(initiator, responder)));
    }
}
