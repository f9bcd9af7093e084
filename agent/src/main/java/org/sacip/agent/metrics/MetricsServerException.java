package org.sacip.agent.metrics;

/** The metrics endpoint cannot listen where it was told to; {@link #reason()} says why. */
public final class MetricsServerException extends Exception {
    private static final long serialVersionUID = 1L;

    /** Why the endpoint could not start. */
    public enum Reason {
        /** Another program listens there, or the address is not one of this host's (the configuration's to fix). */
        CANNOT_BIND,
        /** Anything else the kernel refused. */
        FAILURE
    }

    private final Reason reason;

    public MetricsServerException(Reason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
