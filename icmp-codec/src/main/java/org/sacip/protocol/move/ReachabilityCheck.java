package org.sacip.protocol.move;

import java.security.SecureRandom;
import org.sacip.protocol.SacipProtocolException;
import org.sacip.protocol.SacipProtocolException.Reason;
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
    private final SacipAddress local;
    private final SacipAddress peerNewAddress;
    private final PathChallenge challenge;

    private ReachabilityCheck(SessionKeys keys, Role role, SacipAddress local, SacipAddress peerNewAddress,
            Octets challengeBits) {
        this.keys = keys;
        this.role = role;
        this.local = local;
        this.peerNewAddress = peerNewAddress;
        PathChallenge unsigned = new PathChallenge(keys.keyId(), challengeBits, Octets.zeros(FieldLengths.MAC));
        this.challenge = MessageAuthenticator.sign(unsigned, keys.sendingKey(role), local, peerNewAddress);
    }

    public static ReachabilityCheck start(SessionKeys keys, Role role, SacipAddress local,
            SacipAddress peerNewAddress, SecureRandom random) {
        byte[] bits = new byte[FieldLengths.CHALLENGE];
        random.nextBytes(bits);
        return new ReachabilityCheck(keys, role, local, peerNewAddress, Octets.of(bits));
    }

    /** With given challenge bits (worked example, tests). */
    public static ReachabilityCheck start(SessionKeys keys, Role role, SacipAddress local,
            SacipAddress peerNewAddress, Octets challengeBits) {
        return new ReachabilityCheck(keys, role, local, peerNewAddress, challengeBits);
    }

    /** The challenge to send from {@code local} to the peer's new address (the same on every retransmission). */
    public PathChallenge challenge() {
        return challenge;
    }

    public SacipAddress peerNewAddress() {
        return peerNewAddress;
    }

    /** Passes when the response comes from the new address to us, echoes the challenge and carries a valid MAC. */
    public void verify(PathResponse response, SacipAddress outerSource, SacipAddress outerDestination)
            throws SacipProtocolException {
        if (!outerSource.equals(peerNewAddress) || !outerDestination.equals(local)) {
            throw new SacipProtocolException(Reason.WRONG_ADDRESS, "response from " + outerSource
                    + ", challenge went to " + peerNewAddress);
        }
        if (!response.keyId().equals(keys.keyId())) {
            throw new SacipProtocolException(Reason.UNKNOWN_KEY, "key id " + response.keyId());
        }
        if (!ConstantTime.equal(response.challenge().toByteArray(), challenge.challenge().toByteArray())) {
            throw new SacipProtocolException(Reason.NONCE_MISMATCH, "response does not echo the challenge");
        }
        MessageAuthenticator.verify(response, keys.receivingKey(role), outerSource, outerDestination);
    }

    /**
     * The moving host's side: verifies a challenge that reached it and answers from the address it arrived at.
     */
    public static PathResponse answer(PathChallenge received, SessionKeys keys, Role role, SacipAddress outerSource,
            SacipAddress outerDestination) throws SacipProtocolException {
        if (!received.keyId().equals(keys.keyId())) {
            throw new SacipProtocolException(Reason.UNKNOWN_KEY, "key id " + received.keyId());
        }
        MessageAuthenticator.verify(received, keys.receivingKey(role), outerSource, outerDestination);
        PathResponse unsigned = new PathResponse(keys.keyId(), received.challenge(), Octets.zeros(FieldLengths.MAC));
        return MessageAuthenticator.sign(unsigned, keys.sendingKey(role), outerDestination, outerSource);
    }
}
