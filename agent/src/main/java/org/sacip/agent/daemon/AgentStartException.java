package org.sacip.agent.daemon;

/** A part of the agent could not start; the message says which and why. */
public final class AgentStartException extends Exception {
    private static final long serialVersionUID = 1L;

    /** Whose fault the failed start is: it decides the exit status. */
    public enum Reason {
        /** What the operator configured cannot be used as it is (e.g. a directory others could write); exit 2. */
        CONFIGURATION,
        /** The system would not let a part start (netlink, nft, the peer transport); exit 1. */
        FAILURE
    }

    private final Reason reason;

    public AgentStartException(String message, Throwable cause) {
        this(Reason.FAILURE, message, cause);
    }

    public AgentStartException(Reason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
