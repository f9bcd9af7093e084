package org.sacip.control;

import java.nio.file.Path;

/** Nothing listens at the socket path: the file is missing, or it is not a socket anyone accepts on. */
public final class AgentUnreachableException extends ControlFailure {
    private static final long serialVersionUID = 1L;

    public AgentUnreachableException(Path socket, Throwable cause) {
        super("cannot reach the SACIP agent at " + socket + ": not running? (start sacip-agent)", cause);
    }

    /** The connection worked but the agent went away while we were following it. */
    public AgentUnreachableException(String message) {
        super(message);
    }

    @Override
    public Kind kind() {
        return Kind.NOT_RUNNING;
    }
}
