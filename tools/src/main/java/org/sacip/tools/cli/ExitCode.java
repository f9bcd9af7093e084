package org.sacip.tools.cli;

import org.sacip.control.ControlFailure;

/** sacipctl's exit statuses; the man page and tools/README.md document the same table. */
public final class ExitCode {
    public static final int OK = 0;
    /** The agent answered with an error (or sacipctl itself failed unexpectedly). */
    public static final int AGENT_ERROR = 1;
    public static final int USAGE = 2;
    public static final int NOT_RUNNING = 3;
    public static final int PERMISSION = 4;
    /** The reply was not JSON, had the wrong protocol version, or did not come within the timeout. */
    public static final int PROTOCOL = 5;

    private ExitCode() {
    }

    /** The exit status of a failed request. */
    public static int of(ControlFailure.Kind kind) {
        return switch (kind) {
            case AGENT_ERROR -> AGENT_ERROR;
            case NOT_RUNNING -> NOT_RUNNING;
            case PERMISSION -> PERMISSION;
            case PROTOCOL -> PROTOCOL;
        };
    }
}
