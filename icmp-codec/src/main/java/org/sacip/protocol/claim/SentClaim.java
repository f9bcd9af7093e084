package org.sacip.protocol.claim;

import org.sacip.protocol.codec.Envelope;
import org.sacip.protocol.message.Claim;
import org.sacip.protocol.message.SacipAddress;

/**
 * A signed claim with the envelope its MAC was computed for: it is sent in {@code envelope}, and its reply must
 * come back from the envelope's destination to its source.
 */
public record SentClaim(Claim claim, Envelope envelope) {
    /** Our address the claim went from. */
    public SacipAddress source() {
        return envelope.source();
    }

    /** The peer's address it went to. */
    public SacipAddress destination() {
        return envelope.destination();
    }

    /** The octets to send: an ICMP message or a UDP payload, as the envelope is. */
    public byte[] encode() {
        return envelope.encode(claim);
    }
}
