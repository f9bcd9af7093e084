package org.sacip.lab;

/** A lab operation failed: a command exited non-zero, a name was malformed, an endpoint broke its protocol. */
public class LabException extends RuntimeException {
    public LabException(String message) {
        super(message);
    }

    public LabException(String message, Throwable cause) {
        super(message, cause);
    }
}
