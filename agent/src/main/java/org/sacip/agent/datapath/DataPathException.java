package org.sacip.agent.datapath;

/** The data path could not do what was asked; the message says what and why. */
public class DataPathException extends Exception {
    private static final long serialVersionUID = 1L;

    public DataPathException(String message) {
        super(message);
    }

    public DataPathException(String message, Throwable cause) {
        super(message + ": " + cause.getMessage(), cause);
    }
}
