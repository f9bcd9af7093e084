package org.sacip.protocol.handshake;

import java.security.SecureRandom;
import java.time.Instant;
import java.util.Optional;
import org.sacip.protocol.SacipProtocolException;
import org.sacip.protocol.SacipProtocolException.Reason;
import org.sacip.protocol.crypto.EphemeralKeyPair;
import org.sacip.protocol.crypto.MessageAuthenticator;
import org.sacip.protocol.message.CookieReply;
import org.sacip.protocol.message.FieldLengths;
import org.sacip.protocol.message.Hello;
import org.sacip.protocol.message.Init;
import org.sacip.protocol.message.InitReply;
import org.sacip.protocol.message.Octets;
import org.sacip.protocol.message.Rekey;
import org.sacip.protocol.message.SacipAddress;

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

    /** Stateless: the cookie binds the outer addresses, the nonce and the time slot. */
    public CookieReply onHello(Hello hello, SacipAddress outerSource, SacipAddress outerDestination, Instant now) {
        return new CookieReply(hello.initiatorNonce(),
                cookies.mint(now, outerSource, outerDestination, hello.initiatorNonce()));
    }

    public PendingHandshake onInit(Init init, SacipAddress outerSource, SacipAddress outerDestination, Instant now)
            throws SacipProtocolException {
        if (!cookies.verify(init.cookie(), now, outerSource, outerDestination, init.initiatorNonce())) {
            throw new SacipProtocolException(Reason.BAD_COOKIE, "cookie not minted for " + outerSource + " recently");
        }
        AddressPair path = new AddressPair(outerDestination, outerSource);
        return respond(path, path, Optional.empty(), init.initiatorNonce(), init.initiatorShare());
    }

    /**
     * A renewal request under {@code current} (in which this host played {@code role}): the MAC must verify under
     * the peer's current key and the key id must match.
     */
    public PendingHandshake onRekey(Rekey rekey, SessionKeys current, Role role, SacipAddress outerSource,
            SacipAddress outerDestination) throws SacipProtocolException {
        if (!rekey.keyId().equals(current.keyId())) {
            throw new SacipProtocolException(Reason.UNKNOWN_KEY, "REKEY names key " + rekey.keyId());
        }
        MessageAuthenticator.verify(rekey, current.receivingKey(role), outerSource, outerDestination);
        AddressPair bound = current.boundAddresses(role);
        return respond(new AddressPair(outerDestination, outerSource), bound, Optional.of(current.renewalSecret()),
                rekey.initiatorNonce(), rekey.initiatorShare());
    }

    private PendingHandshake respond(AddressPair path, AddressPair bound, Optional<Octets> renewalSecret,
            Octets initiatorNonce, Octets initiatorShare) throws SacipProtocolException {
        Octets responderNonce = freshness.nextNonce();
        EphemeralKeyPair keyPair = freshness.nextKeyPair();
        byte[] secret = keyPair.sharedSecret(initiatorShare);
        // The initiator is the peer: its bound address goes first.
        SessionKeys keys = KeySchedule.derive(secret, renewalSecret, initiatorNonce, responderNonce, initiatorShare,
                keyPair.publicShare(), bound.peer(), bound.local());
        InitReply unsigned = new InitReply(initiatorNonce, responderNonce, keyPair.publicShare(),
                Octets.zeros(FieldLengths.MAC));
        InitReply reply = MessageAuthenticator.sign(unsigned, keys.responderToInitiator(), path.local(), path.peer());
        return new PendingHandshake(path, reply, keys);
    }
}
