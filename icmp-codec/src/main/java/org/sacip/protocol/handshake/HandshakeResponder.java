package org.sacip.protocol.handshake;

import java.security.SecureRandom;
import java.time.Instant;
import java.util.Optional;
import org.sacip.protocol.SacipProtocolException.Reason;
import org.sacip.protocol.SacipProtocolException;
import org.sacip.protocol.codec.Arrival;
import org.sacip.protocol.codec.Envelope;
import org.sacip.protocol.crypto.EphemeralKeyPair;
import org.sacip.protocol.crypto.MessageAuthenticator;
import org.sacip.protocol.message.CookieReply;
import org.sacip.protocol.message.FieldLengths;
import org.sacip.protocol.message.Hello;
import org.sacip.protocol.message.Init;
import org.sacip.protocol.message.InitReply;
import org.sacip.protocol.message.Octets;
import org.sacip.protocol.message.Rekey;

/**
 * The responder's side. Answers HELLO statelessly with a cookie; creates a {@link PendingHandshake} only for an
 * INIT whose cookie verifies (or a REKEY whose MAC verifies under the current key).
 */
public final class HandshakeResponder {
    /** Source of the responder nonce and the ephemeral key pair of each handshake. */
    public interface Freshness {
        Octets nextNonce();

        EphemeralKeyPair nextKeyPair();

        static Freshness from(SecureRandom random) {
            return new Freshness() {
                @Override
                public Octets nextNonce() {
                    return HandshakeInitiator.randomNonce(random);
                }

                @Override
                public EphemeralKeyPair nextKeyPair() {
                    return EphemeralKeyPair.generate(random);
                }
            };
        }
    }

    private final StatelessCookies cookies;
    private final Freshness freshness;

    public HandshakeResponder(StatelessCookies cookies, Freshness freshness) {
        this.cookies = cookies;
        this.freshness = freshness;
    }

    /** The same responder with rotated cookie secrets. */
    public HandshakeResponder withCookies(StatelessCookies rotated) {
        return new HandshakeResponder(rotated, freshness);
    }

    /**
     * Stateless: the cookie binds where the HELLO came from and arrived at (over UDP: the observed endpoints), the
     * nonce and the time slot. The COOKIE goes in {@code arrival.answer()}.
     */
    public CookieReply onHello(Hello hello, Arrival arrival, Instant now) {
        return new CookieReply(hello.initiatorNonce(), cookies.mint(now, arrival, hello.initiatorNonce()));
    }

    /**
     * An INIT whose cookie verifies for its arrival. The lineage will be bound to the INIT's stated addresses
     * (over ICMP its outer ones), the initiator's first (section 5.2).
     */
    public PendingHandshake onInit(Init init, Arrival arrival, Instant now) throws SacipProtocolException {
        if (!cookies.verify(init.cookie(), now, arrival, init.initiatorNonce())) {
            throw new SacipProtocolException(Reason.BAD_COOKIE, "cookie not minted for " + arrival.source()
                    + " recently");
        }
        Envelope stated = arrival.envelope();
        return respond(arrival, new AddressPair(stated.destination(), stated.source()), Optional.empty(),
                init.initiatorNonce(), init.initiatorShare());
    }

    /**
     * A renewal request under {@code current} (in which this host played {@code role}): the MAC must verify under
     * the peer's current key and the key id must match.
     */
    public PendingHandshake onRekey(Rekey rekey, SessionKeys current, Role role, Arrival arrival)
            throws SacipProtocolException {
        if (!rekey.keyId().equals(current.keyId())) {
            throw new SacipProtocolException(Reason.UNKNOWN_KEY, "REKEY names key " + rekey.keyId());
        }
        MessageAuthenticator.verify(rekey, current.receivingKey(role), arrival.envelope());
        return respond(arrival, current.boundAddresses(role), Optional.of(current.renewalSecret()),
                rekey.initiatorNonce(), rekey.initiatorShare());
    }

    private PendingHandshake respond(Arrival arrival, AddressPair bound, Optional<Octets> renewalSecret,
            Octets initiatorNonce, Octets initiatorShare) throws SacipProtocolException {
        Octets responderNonce = freshness.nextNonce();
        EphemeralKeyPair keyPair = freshness.nextKeyPair();
        byte[] secret = keyPair.sharedSecret(initiatorShare);
        // The initiator is the peer: its bound address goes first.
        SessionKeys keys = KeySchedule.derive(secret, renewalSecret, initiatorNonce, responderNonce, initiatorShare,
                keyPair.publicShare(), bound.peer(), bound.local());
        InitReply unsigned = new InitReply(initiatorNonce, responderNonce, keyPair.publicShare(),
                Octets.zeros(FieldLengths.MAC));
        InitReply reply = MessageAuthenticator.sign(unsigned, keys.responderToInitiator(), arrival.answer());
        return new PendingHandshake(arrival, reply, keys);
    }
}
