package org.sacip.testing;

/** An agent process did not start, answer or stop as asked; the message ends with the tail of its log. */
public final class AgentProcessException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** What went wrong. */
    public enum Reason {
        /** The process could not be made (missing launcher, no such namespace tool). */
        CANNOT_START,
        /** The agent exited while we waited for its answer. */
        EXITED,
        /** The agent ran but did not answer on its control socket in time. */
        NO_ANSWER,
        /** The agent was still running after SIGTERM (or SIGKILL) and the wait; it has been killed. */
        DID_NOT_STOP,
        /** The waiting thread was interrupted; the agent has been killed. */
        INTERRUPTED
    }

    private final Reason reason;

    AgentProcessException(Reason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
