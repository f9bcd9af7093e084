package org.sacip.control;

/** The agent's reply broke the control protocol: not JSON, wrong version, wrong shape, or too late. */
public final class ProtocolException extends ControlFailure {
    private static final long serialVersionUID = 1L;

    public ProtocolException(String message) {
        super("protocol error: " + message);
    }

    public ProtocolException(String message, Throwable cause) {
        super("protocol error: " + message, cause);
    }

    @Override
    public Kind kind() {
        return Kind.PROTOCOL;
    }
}
