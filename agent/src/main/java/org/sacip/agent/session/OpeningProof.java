package org.sacip.agent.session;

import java.util.Objects;
import org.sacip.protocol.crypto.ConstantTime;
import org.sacip.protocol.message.Octets;

/**
 * What this host saw of a session's opening, from its own side: for TCP the initial sequence numbers of its own and
 * of the peer's direction (4 octets each, from the SYN-ACK), for UDP the digests of the first datagram each side sent
 * (8 octets each). A peer that claims the session proves it saw the same opening by naming the same values with the
 * sides swapped. NAT changes none of them; middleboxes that rewrite sequence numbers do.
 * <p>
 * Immutable. The two parts are kept as numbers, not as {@link Octets}: every session holds one proof for its
 * lifetime, and two octet strings cost about 80 bytes a session against 16.
 */
public final class OpeningProof {
    private final SessionProtocol protocol;
    private final long ours;
    private final long theirs;

    /** @throws IllegalArgumentException when a part is not 4 octets (TCP) or 8 octets (UDP) long */
    public OpeningProof(SessionProtocol protocol, Octets ours, Octets theirs) {
        Objects.requireNonNull(protocol, "protocol");
        Objects.requireNonNull(ours, "ours");
        Objects.requireNonNull(theirs, "theirs");
        int length = length(protocol);
        ours.requireLength(length, "own part of the opening proof");
        theirs.requireLength(length, "peer's part of the opening proof");
        this.protocol = protocol;
        this.ours = number(ours);
        this.theirs = number(theirs);
    }

    public SessionProtocol protocol() {
        return protocol;
    }

    /** Our own part: our initial sequence number (TCP), the digest of our first datagram (UDP). */
    public Octets ours() {
        return octets(ours, length(protocol));
    }

    /** The peer's part. */
    public Octets theirs() {
        return octets(theirs, length(protocol));
    }

    /** Whether the peer's claim names this opening: its own part is our "theirs", its peer part our "ours". */
    public boolean matchesClaim(Octets claimerPart, Octets claimedPeerPart) {
        return ConstantTime.equal(claimerPart.toByteArray(), theirs().toByteArray())
                & ConstantTime.equal(claimedPeerPart.toByteArray(), ours().toByteArray());
    }

    private static int length(SessionProtocol protocol) {
        return protocol == SessionProtocol.TCP ? 4 : 8;
    }

    private static long number(Octets part) {
        long value = 0;
        for (byte b : part.toByteArray()) {
            value = value << 8 | (b & 0xFF);
        }
        return value;
    }

    private static Octets octets(long value, int length) {
        byte[] bytes = new byte[length];
        for (int i = length - 1; i >= 0; i--) {
            bytes[i] = (byte) value;
            value >>>= 8;
        }
        return Octets.of(bytes);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof OpeningProof that && protocol == that.protocol && ours == that.ours
                && theirs == that.theirs;
    }

    @Override
    public int hashCode() {
        return Objects.hash(protocol, ours, theirs);
    }

    @Override
    public String toString() {
        return "OpeningProof[protocol=" + protocol + ", ours=" + ours() + ", theirs=" + theirs() + "]";
    }
}
