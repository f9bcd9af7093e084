package org.sacip.control;

/** A request line that cannot be served; carries the error code and message the client gets. */
public final class RequestRejectedException extends Exception {
    private static final long serialVersionUID = 1L;

    private final transient ControlError error;

    public RequestRejectedException(ControlError error, String message) {
        super(message, null, false, false);
        this.error = error;
    }

    public ControlError error() {
        return error;
    }
}
