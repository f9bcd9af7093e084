package org.sacip.protocol.message;

import java.util.List;

/**
 * Kind 13: the answer to a CLAIM, under the replying host's direction key. Echoes the claim number, carries the
 * claim's holder address as the replying host's sessions know it (its family is the outer family), and one entry
 * per claim entry, in the claim's order.
 */
public record ClaimReply(Octets keyId, long claimNumber, SacipAddress seenHolderAddress,
        List<ClaimReplyEntry> entries, Octets mac) implements AuthenticatedMessage {
    public ClaimReply {
        ClaimFieldRules.checkHead(keyId, claimNumber, mac);
        seenHolderAddress.requireUnicastHost("seen holder address");
        entries = ClaimFieldRules.entries(entries);
    }

    @Override
    public MessageKind kind() {
        return MessageKind.CLAIM_REPLY;
    }

    @Override
    public int entryCount() {
        return entries.size();
    }

    @Override
    public ClaimReply withMac(Octets newMac) {
        return new ClaimReply(keyId, claimNumber, seenHolderAddress, entries, newMac);
    }
}
