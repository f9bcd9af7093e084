package org.sacip.protocol.claim;

import org.sacip.protocol.codec.SacipEncoder;
import org.sacip.protocol.message.Claim;
import org.sacip.protocol.message.SacipAddress;

/**
 * A signed claim with the outer addresses its MAC was computed for: it is sent from {@code source} to
 * {@code destination}, and its reply must come back from {@code destination} to {@code source}.
 */
public record SentClaim(Claim claim, SacipAddress source, SacipAddress destination) {
    /** The ICMP message to send. */
    public byte[] encode() {
        return SacipEncoder.encode(claim, source, destination);
    }
}
