package org.sacip.agent.route;

/** The source routes cannot be kept where the configuration puts them; the message names what is in the way. */
public final class SourceRouteException extends Exception {
    private static final long serialVersionUID = 1L;

    /** What is wrong. */
    public enum Reason {
        /** Another program's rule sits at one of the agent's rule priorities. */
        PRIORITY_TAKEN,
        /** One of the agent's tables holds another program's routes, or another program's rule looks one up. */
        TABLE_TAKEN,
        /** The kernel's rules or routes could not be read. */
        KERNEL
    }

    private final Reason reason;

    public SourceRouteException(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    public SourceRouteException(Reason reason, String message, Throwable cause) {
        super(message + ": " + cause.getMessage(), cause);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
