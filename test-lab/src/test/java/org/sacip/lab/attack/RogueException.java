package org.sacip.lab.attack;

/** A rogue peer could not do what a test asked of it; the reason says which part failed. */
final class RogueException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** What went wrong. */
    enum Reason {
        /** The agent did not answer within the retransmissions. */
        NO_ANSWER,
        /** The agent answered with something the protocol rejects (bad MAC, wrong nonce). */
        BAD_ANSWER,
        /** A socket could not be opened or used. */
        IO
    }

    private final Reason reason;

    RogueException(Reason reason, String message, Throwable cause) {
        super(reason + ": " + message, cause);
        this.reason = reason;
    }

    RogueException(Reason reason, String message) {
        this(reason, message, null);
    }

    Reason reason() {
        return reason;
    }
}
