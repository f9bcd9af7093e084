package org.sacip.protocol;

/** A well-formed message that the protocol logic rejects (bad MAC, bad cookie, wrong state, ...). */
public final class SacipProtocolException extends Exception {
    private static final long serialVersionUID = 1L;

    /** Why the message was rejected. */
    public enum Reason {
        BAD_MAC,
        BAD_COOKIE,
        WEAK_KEY_SHARE,
        UNEXPECTED_MESSAGE,
        NONCE_MISMATCH,
        UNKNOWN_KEY,
        WRONG_ADDRESS,
        STALE_SEQUENCE,
        CONFLICTING_DUPLICATE,
        LOST_TIE_BREAK
    }

    private final Reason reason;

    public SacipProtocolException(Reason reason, String detail) {
        super(reason + ": " + detail, null, false, false);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
