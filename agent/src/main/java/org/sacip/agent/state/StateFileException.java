package org.sacip.agent.state;

import java.nio.file.Path;

/** The state directory cannot be read or written, or a state file is not what this engine wrote. */
public final class StateFileException extends Exception {
    private static final long serialVersionUID = 1L;

    public StateFileException(Path file, String detail) {
        super(file + ": " + detail, null, false, false);
    }

    public StateFileException(Path file, String detail, Throwable cause) {
        super(file + ": " + detail + (cause.getMessage() == null ? "" : " (" + cause.getMessage() + ")"), cause,
                false, false);
    }
}
