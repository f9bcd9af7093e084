package org.sacip.lab.bench.report;

/** A results.json that cannot be used, and why. */
public final class ReportFileException extends RuntimeException {
    public enum Reason {
        /** The file cannot be read or written. */
        IO,
        /** Not JSON, or not the model (a missing or unknown field, a wrong type). */
        MALFORMED,
        /** Another schema or version of the model. */
        WRONG_VERSION
    }

    private final Reason reason;

    public ReportFileException(Reason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
