package org.sacip.protocol.message;

import java.util.Optional;

/** The replying host's answer to one claim entry. An unknown value makes a CLAIM_REPLY malformed. */
public enum ClaimVerdict {
    /** The session is now bound to the claim's key lineage (or already was). */
    BOUND(1),
    /** Another key lineage holds this session. */
    HELD_BY_OTHER_KEY(2),
    /** The replying host has no such live session. */
    NO_SUCH_SESSION(3),
    /** The proof differs from the replying host's own record of the session's opening. */
    PROOF_MISMATCH(4),
    /**
     * One side has no record of the session opening, and this key lineage is not the first one agreed for this
     * address pair while the session lives.
     */
    NOT_ELIGIBLE(5),
    /** The replying host's agent does not know the session (yet): try again shortly. */
    NOT_YET_SEEN(6),
    /** This key lineage holds as many sessions as the replying host allows. */
    LIMIT(7);

    private final int code;

    ClaimVerdict(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }

    public static Optional<ClaimVerdict> fromCode(int code) {
        for (ClaimVerdict verdict : values()) {
            if (verdict.code == code) {
                return Optional.of(verdict);
            }
        }
        return Optional.empty();
    }
}
