package org.sacip.agent.control;

/** The control socket could not be set up (bad group, path in use, bind or permission failure). */
public final class ControlServerException extends Exception {
    private static final long serialVersionUID = 1L;

    public ControlServerException(String message) {
        super(message);
    }

    public ControlServerException(String message, Throwable cause) {
        super(message, cause);
    }
}
