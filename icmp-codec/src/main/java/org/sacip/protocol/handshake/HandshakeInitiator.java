package org.sacip.protocol.handshake;

import java.security.SecureRandom;
import java.util.Optional;
import org.sacip.protocol.SacipProtocolException.Reason;
import org.sacip.protocol.SacipProtocolException;
import org.sacip.protocol.codec.Arrival;
import org.sacip.protocol.codec.Envelope;
import org.sacip.protocol.crypto.ConstantTime;
import org.sacip.protocol.crypto.EphemeralKeyPair;
import org.sacip.protocol.crypto.MessageAuthenticator;
import org.sacip.protocol.message.CookieReply;
import org.sacip.protocol.message.FieldLengths;
import org.sacip.protocol.message.Hello;
import org.sacip.protocol.message.Init;
import org.sacip.protocol.message.InitConfirm;
import org.sacip.protocol.message.InitReply;
import org.sacip.protocol.message.Octets;
import org.sacip.protocol.message.Rekey;

/**
 * The initiator's side of one handshake (fresh nonce and fresh X25519 share each time). A first handshake runs
 * HELLO, COOKIE, INIT, INIT_REPLY, INIT_CONFIRM; a renewal runs REKEY (signed under the old key), INIT_REPLY,
 * INIT_CONFIRM. Holds no network: the caller sends what it returns. Not thread-safe.
 */
public final class HandshakeInitiator {
    private final AddressPair path;
    private final AddressPair bound;
    private final Octets nonce;
    private final EphemeralKeyPair keyPair;
    private final Optional<SessionKeys> renewing;
    private final Optional<Role> renewingRole;

    private HandshakeInitiator(AddressPair path, AddressPair bound, Octets nonce, EphemeralKeyPair keyPair,
            Optional<SessionKeys> renewing, Optional<Role> renewingRole) {
        this.path = path;
        this.bound = bound;
        this.nonce = nonce.requireLength(FieldLengths.NONCE, "initiator nonce");
        this.keyPair = keyPair;
        this.renewing = renewing;
        this.renewingRole = renewingRole;
    }

    /** A first handshake from {@code path.local()} to {@code path.peer()}; the keys get bound to these addresses. */
    public static HandshakeInitiator first(AddressPair path, SecureRandom random) {
        return first(path, randomNonce(random), EphemeralKeyPair.generate(random));
    }

    /** As {@link #first(AddressPair, SecureRandom)} with a given nonce and key pair (worked example, tests). */
    public static HandshakeInitiator first(AddressPair path, Octets nonce, EphemeralKeyPair keyPair) {
        return new HandshakeInitiator(path, path, nonce, keyPair, Optional.empty(), Optional.empty());
    }

    /**
     * A renewal of {@code current} (in which this host played {@code role}), run over the current {@code path}.
     * The new keys stay bound to the addresses of the old ones, whatever the current path.
     */
    public static HandshakeInitiator renewal(SessionKeys current, Role role, AddressPair path, SecureRandom random) {
        return renewal(current, role, path, randomNonce(random), EphemeralKeyPair.generate(random));
    }

    public static HandshakeInitiator renewal(SessionKeys current, Role role, AddressPair path, Octets nonce,
            EphemeralKeyPair keyPair) {
        return new HandshakeInitiator(path, current.boundAddresses(role), nonce, keyPair, Optional.of(current),
                Optional.of(role));
    }

    public Octets nonce() {
        return nonce;
    }

    public Hello hello() {
        return new Hello(nonce);
    }

    /** The INIT answering a cookie reply; a reply that does not echo our nonce is rejected. */
    public Init onCookie(CookieReply reply) throws SacipProtocolException {
        requireOwnNonce(reply.initiatorNonce());
        return new Init(nonce, reply.cookie(), keyPair.publicShare());
    }

    /**
     * The REKEY that starts a renewal, signed under the old key of this host's direction for {@code outgoing}, the
     * envelope it is sent in: from the path's local address, to the peer (over UDP, to its endpoint, which behind a
     * NAT is not the peer's own address).
     */
    public Rekey rekey(Envelope outgoing) {
        SessionKeys old = renewing.orElseThrow(() -> new IllegalStateException("not a renewal"));
        requirePath(outgoing);
        Rekey unsigned = new Rekey(old.keyId(), nonce, keyPair.publicShare(), Octets.zeros(FieldLengths.MAC));
        return MessageAuthenticator.sign(unsigned, old.sendingKey(renewingRole.orElseThrow()), outgoing);
    }

    private void requirePath(Envelope outgoing) {
        if (!outgoing.source().equals(path.local())
                || outgoing instanceof Envelope.Icmp && !outgoing.destination().equals(path.peer())) {
            throw new IllegalArgumentException("this handshake runs from " + path.local() + " to " + path.peer()
                    + ", not from " + outgoing.source() + " to " + outgoing.destination());
        }
    }

    /**
     * Verifies the responder's reply (it must come from the peer address to ours, echo our nonce and carry a MAC
     * under the new responder-to-initiator key) and returns the keys and the confirmation, signed for the envelope
     * that answers the reply's arrival.
     */
    public InitiatorCompletion onInitReply(InitReply reply, Arrival arrival) throws SacipProtocolException {
        if (!arrival.source().equals(path.peer()) || !arrival.localAddress().equals(path.local())) {
            throw new SacipProtocolException(Reason.WRONG_ADDRESS, "INIT_REPLY from " + arrival.source() + " to "
                    + arrival.localAddress() + ", expected " + path.peer() + " to " + path.local());
        }
        requireOwnNonce(reply.initiatorNonce());
        byte[] secret = keyPair.sharedSecret(reply.responderShare());
        SessionKeys keys = KeySchedule.derive(secret, renewing.map(SessionKeys::renewalSecret), nonce,
                reply.responderNonce(), keyPair.publicShare(), reply.responderShare(), bound.local(), bound.peer());
        MessageAuthenticator.verify(reply, keys.responderToInitiator(), arrival.envelope());
        InitConfirm unsigned = new InitConfirm(nonce, reply.responderNonce(), Octets.zeros(FieldLengths.MAC));
        InitConfirm confirm = MessageAuthenticator.sign(unsigned, keys.initiatorToResponder(), arrival.answer());
        return new InitiatorCompletion(keys, confirm);
    }

    private void requireOwnNonce(Octets echoed) throws SacipProtocolException {
        if (!ConstantTime.equal(echoed.toByteArray(), nonce.toByteArray())) {
            throw new SacipProtocolException(Reason.NONCE_MISMATCH, "reply does not echo our initiator nonce");
        }
    }

    /** A fresh nonce for a handshake, initiator's or responder's. */
    public static Octets randomNonce(SecureRandom random) {
        byte[] bytes = new byte[FieldLengths.NONCE];
        random.nextBytes(bytes);
        return Octets.of(bytes);
    }
}
