package org.sacip.agent.state;

import java.nio.file.Path;
import org.sacip.agent.files.UntrustedDirectoryException;

/**
 * The state directory cannot be read or written or is not safe, or a state file is not what this engine wrote.
 */
public final class StateFileException extends Exception {
    private static final long serialVersionUID = 1L;

    public StateFileException(Path file, String detail) {
        super(file + ": " + detail, null, false, false);
    }

    /** The state directory may not be used: others could change it (the cause's message says how). */
    public StateFileException(UntrustedDirectoryException cause) {
        super(cause.getMessage(), cause, false, false);
    }

    public StateFileException(Path file, String detail, Throwable cause) {
        super(file + ": " + detail + (cause.getMessage() == null ? "" : " (" + cause.getMessage() + ")"), cause,
                false, false);
    }
}
