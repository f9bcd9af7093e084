package org.sacip.agent.files;

import java.nio.file.Path;

/**
 * A directory the agent was pointed at, or one of its ancestors, could be changed by someone other than root and
 * the agent's own user. The message is one line naming the path and what is wrong with it.
 */
public final class UntrustedDirectoryException extends Exception {
    private static final long serialVersionUID = 1L;

    /** What is wrong. */
    public enum Problem {
        /** The path (or an ancestor) exists but is not a directory. */
        NOT_A_DIRECTORY,
        /** Owned by a uid that is neither 0 nor the agent's. */
        FOREIGN_OWNER,
        /** The directory itself is writable by its group or by others. */
        WRITABLE_BY_OTHERS,
        /** An ancestor is writable by its group or others and lacks the sticky bit that would protect its entries. */
        WRITABLE_WITHOUT_STICKY_BIT,
        /** Its owner and mode cannot be read. */
        UNREADABLE
    }

    private final Problem problem;
    private final Path path;

    UntrustedDirectoryException(Problem problem, Path path, String message) {
        this(problem, path, message, null);
    }

    UntrustedDirectoryException(Problem problem, Path path, String message, Throwable cause) {
        super(message, cause, false, false);
        this.problem = problem;
        this.path = path;
    }

    public Problem problem() {
        return problem;
    }

    /** The directory that failed the check: the one asked about or one of its ancestors. */
    public Path path() {
        return path;
    }
}
