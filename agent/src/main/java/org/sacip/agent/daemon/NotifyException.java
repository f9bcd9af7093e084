package org.sacip.agent.daemon;

/** A message to the service manager (systemd's NOTIFY_SOCKET) could not be sent; the message says why. */
public final class NotifyException extends Exception {
    private static final long serialVersionUID = 1L;

    /** What went wrong. */
    public enum Reason {
        /** NOTIFY_SOCKET names no socket this agent can send to (not an absolute path or {@code @name}, too long). */
        BAD_ADDRESS,
        /** The kernel refused the socket or the datagram (the service manager is gone, no permission...). */
        SEND_FAILED
    }

    private final Reason reason;

    public NotifyException(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
