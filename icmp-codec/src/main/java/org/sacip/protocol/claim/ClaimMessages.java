package org.sacip.protocol.claim;

import java.util.List;
import org.sacip.protocol.codec.Arrival;
import org.sacip.protocol.codec.Envelope;
import org.sacip.protocol.crypto.MessageAuthenticator;
import org.sacip.protocol.handshake.Role;
import org.sacip.protocol.handshake.SessionKeys;
import org.sacip.protocol.message.Claim;
import org.sacip.protocol.message.ClaimEntry;
import org.sacip.protocol.message.ClaimReply;
import org.sacip.protocol.message.ClaimReplyEntry;
import org.sacip.protocol.message.FieldLengths;
import org.sacip.protocol.message.Octets;
import org.sacip.protocol.message.SacipAddress;

/**
 * Builds the signed CLAIM and CLAIM_REPLY of a host that played {@code role} in the handshake of {@code keys}
 * (the current key of a lineage): each is signed under this host's direction key, over the outer addresses it
 * travels between.
 */
public final class ClaimMessages {
    private final SessionKeys keys;
    private final Role role;

    public ClaimMessages(SessionKeys keys, Role role) {
        this.keys = keys;
        this.role = role;
    }

    /**
     * A claim of {@code entries}, sent in {@code outgoing}: from this host's current address to the peer's current
     * address.
     *
     * @param claimNumber   not 0; the next of this lineage's claim numbers in this direction
     * @param holderAddress this host's address as the claimed sessions know it (their local address)
     * @param peerAddress   the peer's address as the claimed sessions know it (their remote address)
     */
    public SentClaim claim(long claimNumber, SacipAddress holderAddress, SacipAddress peerAddress,
            List<ClaimEntry> entries, Envelope outgoing) {
        Claim unsigned = new Claim(keys.keyId(), claimNumber, holderAddress, peerAddress, entries, zeroMac());
        Claim signed = MessageAuthenticator.sign(unsigned, keys.sendingKey(role), outgoing);
        return new SentClaim(signed, outgoing);
    }

    /**
     * The reply to a claim that verified (see {@link ClaimVerifier#verifyClaim}); it goes back in
     * {@code claimArrival.answer()}, from where the claim arrived to where it came from.
     *
     * @param seenHolderAddress the claim's holder address as this host's sessions know it
     * @param entries           one per claim entry, in the claim's order, copying its protocol and ports (see
     *                          {@link ClaimReplyEntry#answering})
     * @throws IllegalArgumentException when the entries do not answer the claim's entries one by one
     */
    public ClaimReply reply(Claim claim, SacipAddress seenHolderAddress, List<ClaimReplyEntry> entries,
            Arrival claimArrival) {
        if (!ClaimVerifier.answersEntries(entries, claim)) {
            throw new IllegalArgumentException("a reply answers the claim's entries one by one, in their order");
        }
        ClaimReply unsigned = new ClaimReply(claim.keyId(), claim.claimNumber(), seenHolderAddress, entries,
                zeroMac());
        return MessageAuthenticator.sign(unsigned, keys.sendingKey(role), claimArrival.answer());
    }

    private static Octets zeroMac() {
        return Octets.zeros(FieldLengths.MAC);
    }
}
