package org.sacip.protocol.move;

import java.security.SecureRandom;
import org.sacip.protocol.SacipProtocolException.Reason;
import org.sacip.protocol.SacipProtocolException;
import org.sacip.protocol.codec.Arrival;
import org.sacip.protocol.codec.Envelope;
import org.sacip.protocol.crypto.ConstantTime;
import org.sacip.protocol.crypto.MessageAuthenticator;
import org.sacip.protocol.handshake.Role;
import org.sacip.protocol.handshake.SessionKeys;
import org.sacip.protocol.message.FieldLengths;
import org.sacip.protocol.message.Octets;
import org.sacip.protocol.message.PathChallenge;
import org.sacip.protocol.message.PathResponse;
import org.sacip.protocol.message.SacipAddress;

/**
 * One reachability check of a peer's new address: a PATH_CHALLENGE with 128 random bits sent there, passed by a
 * PATH_RESPONSE from that address echoing them under the peer's key. Immutable.
 */
public final class ReachabilityCheck {
    private final SessionKeys keys;
    private final Role role;
    private final Envelope sent;
    private final PathChallenge challenge;

    private ReachabilityCheck(SessionKeys keys, Role role, Envelope sent, Octets challengeBits) {
        this.keys = keys;
        this.role = role;
        this.sent = sent;
        PathChallenge unsigned = new PathChallenge(keys.keyId(), challengeBits, Octets.zeros(FieldLengths.MAC));
        this.challenge = MessageAuthenticator.sign(unsigned, keys.sendingKey(role), sent);
    }

    /**
     * A check of the place {@code sent} goes to: over ICMP from our address to the peer's new one, over UDP from
     * our endpoint to the endpoint the peer's update came from (section 13.5).
     */
    public static ReachabilityCheck start(SessionKeys keys, Role role, Envelope sent, SecureRandom random) {
        byte[] bits = new byte[FieldLengths.CHALLENGE];
        random.nextBytes(bits);
        return new ReachabilityCheck(keys, role, sent, Octets.of(bits));
    }

    /** With given challenge bits (worked example, tests). */
    public static ReachabilityCheck start(SessionKeys keys, Role role, Envelope sent, Octets challengeBits) {
        return new ReachabilityCheck(keys, role, sent, challengeBits);
    }

    /** The challenge to send in {@link #sent()} (the same on every retransmission). */
    public PathChallenge challenge() {
        return challenge;
    }

    /** The envelope the challenge travels in. */
    public Envelope sent() {
        return sent;
    }

    /** The address the challenge goes to. */
    public SacipAddress peerNewAddress() {
        return sent.destination();
    }

    /**
     * Passes when the response comes back from exactly where the challenge went (over UDP: the observed endpoint
     * too), to where it came from, echoes the challenge and carries a valid MAC.
     */
    public void verify(PathResponse response, Arrival arrival) throws SacipProtocolException {
        if (!arrival.returnsFrom(sent)) {
            throw new SacipProtocolException(Reason.WRONG_ADDRESS, "response from " + arrival.source()
                    + ", challenge went to " + sent.destination());
        }
        if (!response.keyId().equals(keys.keyId())) {
            throw new SacipProtocolException(Reason.UNKNOWN_KEY, "key id " + response.keyId());
        }
        if (!ConstantTime.equal(response.challenge().toByteArray(), challenge.challenge().toByteArray())) {
            throw new SacipProtocolException(Reason.NONCE_MISMATCH, "response does not echo the challenge");
        }
        MessageAuthenticator.verify(response, keys.receivingKey(role), arrival.envelope());
    }

    /**
     * The challenged host's side (a moving host, or the peer of a keepalive): verifies a challenge that reached it
     * and answers in {@code arrival.answer()}, from where it arrived, back to where it came from.
     */
    public static PathResponse answer(PathChallenge received, SessionKeys keys, Role role, Arrival arrival)
            throws SacipProtocolException {
        if (!received.keyId().equals(keys.keyId())) {
            throw new SacipProtocolException(Reason.UNKNOWN_KEY, "key id " + received.keyId());
        }
        MessageAuthenticator.verify(received, keys.receivingKey(role), arrival.envelope());
        PathResponse unsigned = new PathResponse(keys.keyId(), received.challenge(), Octets.zeros(FieldLengths.MAC));
        return MessageAuthenticator.sign(unsigned, keys.sendingKey(role), arrival.answer());
    }
}
