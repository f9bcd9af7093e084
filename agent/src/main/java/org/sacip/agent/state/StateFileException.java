package org.sacip.agent.state;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import java.io.IOException;
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

    /**
     * A state file that could not be read as JSON, in one line: where the parser stopped and why (the parser's own
     * message spans two lines and names its settings), or what the file system said.
     */
    public static StateFileException unreadable(Path file, IOException cause) {
        if (cause instanceof JsonProcessingException json) {
            JsonLocation at = json.getLocation();
            String where = at == null ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr();
            return new StateFileException(file + ": not readable JSON" + where + ": "
                    + json.getOriginalMessage().lines().findFirst().orElse(""), cause);
        }
        return new StateFileException(file + ": not readable: " + cause.getMessage(), cause);
    }

    private StateFileException(String message, Throwable cause) {
        super(message, cause, false, false);
    }

    public StateFileException(Path file, String detail, Throwable cause) {
        super(file + ": " + detail + (cause.getMessage() == null ? "" : " (" + cause.getMessage() + ")"), cause,
                false, false);
    }
}
