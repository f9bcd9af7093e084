package org.sacip.control;

/**
 * A request to the agent that did not produce a usable answer. Each kind carries the one line a user sees; a client
 * such as sacipctl maps the {@link Kind} to its exit status.
 */
public abstract class ControlFailure extends Exception {
    private static final long serialVersionUID = 1L;

    /** What went wrong, in the terms a user can act on. */
    public enum Kind {
        /** The agent understood the request and answered with an error. */
        AGENT_ERROR,
        /** Nothing answers at the socket. */
        NOT_RUNNING,
        /** The kernel or the agent refused this user. */
        PERMISSION,
        /** The reply broke the protocol or did not come in time. */
        PROTOCOL
    }

    protected ControlFailure(String message) {
        super(message);
    }

    protected ControlFailure(String message, Throwable cause) {
        super(message, cause);
    }

    public abstract Kind kind();
}
