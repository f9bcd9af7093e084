package org.sacip.control;

/** The kernel refused the connection (EACCES) or the agent refused the command for this user. */
public final class PermissionDeniedException extends ControlFailure {
    private static final long serialVersionUID = 1L;

    public PermissionDeniedException(String detail) {
        super("permission denied: " + detail + " (are you root or in the sacip group?)");
    }

    @Override
    public Kind kind() {
        return Kind.PERMISSION;
    }
}
