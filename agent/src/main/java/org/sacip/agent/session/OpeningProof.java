package org.sacip.agent.session;

import java.util.Objects;
import org.sacip.protocol.message.Octets;

/**
 * What this host saw of a session's opening, from its own side: for TCP the initial sequence numbers of its own and
 * of the peer's direction (4 octets each, from the SYN-ACK), for UDP the digests of the first datagram each side sent
 * (8 octets each). A peer that claims the session proves it saw the same opening by naming the same values with the
 * sides swapped. NAT changes none of them; middleboxes that rewrite sequence numbers do.
 */
public record OpeningProof(SessionProtocol protocol, Octets ours, Octets theirs) {
    public OpeningProof {
        Objects.requireNonNull(protocol, "protocol");
        Objects.requireNonNull(ours, "ours");
        Objects.requireNonNull(theirs, "theirs");
        int length = protocol == SessionProtocol.TCP ? 4 : 8;
        ours.requireLength(length, "own part of the opening proof");
        theirs.requireLength(length, "peer's part of the opening proof");
    }

    /** Whether the peer's claim names this opening: its own part is our "theirs", its peer part our "ours". */
    public boolean matchesClaim(Octets claimerPart, Octets claimedPeerPart) {
        return org.sacip.protocol.crypto.ConstantTime.equal(claimerPart.toByteArray(), theirs.toByteArray())
                & org.sacip.protocol.crypto.ConstantTime.equal(claimedPeerPart.toByteArray(), ours.toByteArray());
    }
}
