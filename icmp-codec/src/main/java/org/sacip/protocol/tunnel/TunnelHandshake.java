package org.sacip.protocol.tunnel;

import java.security.SecureRandom;
import org.sacip.protocol.SacipProtocolException.Reason;
import org.sacip.protocol.SacipProtocolException;
import org.sacip.protocol.codec.Arrival;
import org.sacip.protocol.codec.UdpEnvelope;
import org.sacip.protocol.crypto.ConstantTime;
import org.sacip.protocol.crypto.MessageAuthenticator;
import org.sacip.protocol.handshake.Role;
import org.sacip.protocol.handshake.SessionKeys;
import org.sacip.protocol.message.FieldLengths;
import org.sacip.protocol.message.Octets;
import org.sacip.protocol.message.TunnelAccept;
import org.sacip.protocol.message.TunnelOpen;

/**
 * The opening of one tunnel under a lineage key (docs/PROTOCOL.md section 15.6), from the opener's side: a
 * TUNNEL_OPEN with a fresh nonce, signed under this host's direction key of the lineage for the UDP envelope it is
 * sent in, and completed by a TUNNEL_ACCEPT that comes back from exactly where the OPEN went, echoes its nonce and
 * carries a valid MAC under the peer's key. The accepter's side is {@link #accept}. {@code role} is the role this
 * host played in the handshake that made the lineage key (it names the MAC keys); the tunnel roles are OPENER for
 * the host that sends the OPEN and ACCEPTER for the other. Immutable.
 */
public final class TunnelHandshake {
    private final SessionKeys keys;
    private final Role role;
    private final UdpEnvelope sent;
    private final TunnelOpen open;

    /** What the accepter sends back, and the keys of the tunnel it now holds. */
    public record Accepted(TunnelAccept message, TunnelKeys keys) {
    }

    private TunnelHandshake(SessionKeys keys, Role role, UdpEnvelope sent, Octets openerNonce) {
        this.keys = keys;
        this.role = role;
        this.sent = sent;
        TunnelOpen unsigned = new TunnelOpen(keys.keyId(), openerNonce, Octets.zeros(FieldLengths.MAC));
        this.open = MessageAuthenticator.sign(unsigned, keys.sendingKey(role), sent);
    }

    /**
     * Opens a tunnel to the peer over the lineage's UDP path: {@code sent} goes from this host's agent port to the
     * peer's endpoint (the path's).
     */
    public static TunnelHandshake open(SessionKeys keys, Role role, UdpEnvelope sent, SecureRandom random) {
        byte[] nonce = new byte[FieldLengths.NONCE];
        random.nextBytes(nonce);
        return new TunnelHandshake(keys, role, sent, Octets.of(nonce));
    }

    /** With a given nonce (worked example, tests). A real opening never repeats a nonce. */
    public static TunnelHandshake open(SessionKeys keys, Role role, UdpEnvelope sent, Octets openerNonce) {
        return new TunnelHandshake(keys, role, sent, openerNonce.requireLength(FieldLengths.NONCE, "opener nonce"));
    }

    /** The OPEN to send in {@link #sent()}, the same on every retransmission. */
    public TunnelOpen message() {
        return open;
    }

    /** The envelope the OPEN travels in. */
    public UdpEnvelope sent() {
        return sent;
    }

    /**
     * The opener's end: accepts {@code accept} when it arrived from exactly the endpoint the OPEN went to, at the
     * endpoint it left from, under the OPEN's key id, echoing the OPEN's nonce, with a valid MAC under the peer's
     * direction key. Returns the tunnel's keys; this host seals with {@link TunnelRole#OPENER}.
     */
    public TunnelKeys complete(TunnelAccept accept, Arrival arrival) throws SacipProtocolException {
        if (!(arrival instanceof Arrival.Udp) || !arrival.returnsFrom(sent)) {
            throw new SacipProtocolException(Reason.WRONG_ADDRESS, "TUNNEL_ACCEPT from " + arrival.source()
                    + " does not answer the TUNNEL_OPEN sent to " + sent.statedDestination());
        }
        if (!accept.keyId().equals(keys.keyId())) {
            throw new SacipProtocolException(Reason.UNKNOWN_KEY, "key id " + accept.keyId());
        }
        if (!ConstantTime.equal(accept.openerNonce().toByteArray(), open.openerNonce().toByteArray())) {
            throw new SacipProtocolException(Reason.NONCE_MISMATCH, "TUNNEL_ACCEPT does not echo our nonce");
        }
        MessageAuthenticator.verify(accept, keys.receivingKey(role), arrival.envelope());
        return TunnelKeys.derive(keys, open.openerNonce(), accept.accepterNonce());
    }

    /**
     * The accepter's side: verifies an OPEN under {@code keys} (this host played {@code role} in their handshake)
     * and answers it in {@code arrival.answer()} with a fresh nonce. Which endpoint may open a tunnel of the lineage
     * (its path's, section 13.5) is the caller's rule, checked before. This host seals with
     * {@link TunnelRole#ACCEPTER}.
     */
    public static Accepted accept(TunnelOpen open, SessionKeys keys, Role role, Arrival arrival, SecureRandom random)
            throws SacipProtocolException {
        byte[] nonce = new byte[FieldLengths.NONCE];
        random.nextBytes(nonce);
        return accept(open, keys, role, arrival, Octets.of(nonce));
    }

    /** With a given nonce (worked example, tests). A real accepter never repeats a nonce. */
    public static Accepted accept(TunnelOpen open, SessionKeys keys, Role role, Arrival arrival, Octets accepterNonce)
            throws SacipProtocolException {
        accepterNonce.requireLength(FieldLengths.NONCE, "accepter nonce");
        if (!(arrival instanceof Arrival.Udp)) {
            throw new SacipProtocolException(Reason.UNEXPECTED_MESSAGE, "TUNNEL_OPEN travels only over UDP");
        }
        if (!open.keyId().equals(keys.keyId())) {
            throw new SacipProtocolException(Reason.UNKNOWN_KEY, "key id " + open.keyId());
        }
        MessageAuthenticator.verify(open, keys.receivingKey(role), arrival.envelope());
        TunnelAccept unsigned = new TunnelAccept(keys.keyId(), open.openerNonce(), accepterNonce,
                Octets.zeros(FieldLengths.MAC));
        TunnelAccept signed = MessageAuthenticator.sign(unsigned, keys.sendingKey(role), arrival.answer());
        return new Accepted(signed, TunnelKeys.derive(keys, open.openerNonce(), accepterNonce));
    }
}
