package org.sacip.protocol.message;

import java.util.List;

/**
 * Kind 12: the holder of sessions asks its peer to bind them to the key lineage of {@code keyId}. The holder
 * address is the sender's address as its sessions know them (their local address), the peer address the
 * receiver's address as the sender's sessions know it (their remote address); both of one family, which is also
 * the family of the outer addresses. The claim number (not 0) rises per lineage and direction and is echoed by the
 * reply; receivers keep no state about it (a claim is idempotent).
 */
public record Claim(Octets keyId, long claimNumber, SacipAddress holderAddress, SacipAddress peerAddress,
        List<ClaimEntry> entries, Octets mac) implements AuthenticatedMessage {
    public Claim {
        ClaimFieldRules.checkHead(keyId, claimNumber, mac);
        holderAddress.requireUnicastHost("holder address");
        peerAddress.requireUnicastHost("peer address");
        if (holderAddress.family() != peerAddress.family()) {
            throw new IllegalArgumentException("holder and peer address must have the same family");
        }
        entries = ClaimFieldRules.entries(entries);
    }

    @Override
    public MessageKind kind() {
        return MessageKind.CLAIM;
    }

    @Override
    public int entryCount() {
        return entries.size();
    }

    @Override
    public Claim withMac(Octets newMac) {
        return new Claim(keyId, claimNumber, holderAddress, peerAddress, entries, newMac);
    }
}
