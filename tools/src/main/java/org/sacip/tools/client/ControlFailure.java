package org.sacip.tools.client;

/**
 * A request to the agent that did not produce a usable answer. Each kind carries its exit status and the one
 * line the user sees (without the "sacipctl: " prefix).
 */
public abstract class ControlFailure extends Exception {
    private static final long serialVersionUID = 1L;

    protected ControlFailure(String message) {
        super(message);
    }

    protected ControlFailure(String message, Throwable cause) {
        super(message, cause);
    }

    public abstract int exitCode();
}
