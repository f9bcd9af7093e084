package org.sacip.protocol.claim;

import java.util.List;
import org.sacip.protocol.SacipProtocolException.Reason;
import org.sacip.protocol.SacipProtocolException;
import org.sacip.protocol.codec.Arrival;
import org.sacip.protocol.crypto.MessageAuthenticator;
import org.sacip.protocol.handshake.Role;
import org.sacip.protocol.handshake.SessionKeys;
import org.sacip.protocol.message.Claim;
import org.sacip.protocol.message.ClaimReply;
import org.sacip.protocol.message.ClaimReplyEntry;
import org.sacip.protocol.message.Octets;

/**
 * Checks the peer's CLAIM and CLAIM_REPLY against one key (this host played {@code role} in its handshake): key
 * id, outer addresses where they are fixed, and the MAC under the peer's direction key. Whether the claimed
 * sessions exist and may be bound is the engine's business.
 */
public final class ClaimVerifier {
    private final SessionKeys keys;
    private final Role role;

    public ClaimVerifier(SessionKeys keys, Role role) {
        this.keys = keys;
        this.role = role;
    }

    /** A claim that arrived as {@code arrival} says. */
    public void verifyClaim(Claim claim, Arrival arrival) throws SacipProtocolException {
        requireKey(claim.keyId());
        MessageAuthenticator.verify(claim, keys.receivingKey(role), arrival.envelope());
    }

    /**
     * A reply to our claim {@code sent}: from the claim's destination to its source, under the peer's key,
     * echoing the claim number and answering each entry in order.
     */
    public void verifyReply(ClaimReply reply, SentClaim sent, Arrival arrival) throws SacipProtocolException {
        requireKey(reply.keyId());
        if (!arrival.repliesTo(sent.envelope())) {
            throw new SacipProtocolException(Reason.WRONG_ADDRESS, "CLAIM_REPLY from " + arrival.source() + " to "
                    + arrival.localAddress() + ", the claim went from " + sent.source() + " to "
                    + sent.destination());
        }
        MessageAuthenticator.verify(reply, keys.receivingKey(role), arrival.envelope());
        if (reply.claimNumber() != sent.claim().claimNumber() || !answersEntries(reply.entries(), sent.claim())) {
            throw new SacipProtocolException(Reason.UNEXPECTED_MESSAGE, "reply to another claim (number "
                    + Long.toUnsignedString(reply.claimNumber()) + ")");
        }
    }

    /** True when {@code entries} answer the claim's entries one by one, in their order. */
    static boolean answersEntries(List<ClaimReplyEntry> entries, Claim claim) {
        if (entries.size() != claim.entries().size()) {
            return false;
        }
        for (int i = 0; i < entries.size(); i++) {
            if (!entries.get(i).answers(claim.entries().get(i))) {
                return false;
            }
        }
        return true;
    }

    private void requireKey(Octets keyId) throws SacipProtocolException {
        if (!keyId.equals(keys.keyId())) {
            throw new SacipProtocolException(Reason.UNKNOWN_KEY, "key id " + keyId);
        }
    }
}
