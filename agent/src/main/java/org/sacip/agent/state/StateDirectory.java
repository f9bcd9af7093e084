package org.sacip.agent.state;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import org.sacip.agent.files.TrustedDirectory;
import org.sacip.agent.files.UntrustedDirectoryException;

/**
 * The agent's state directory: keys live there, so it is the agent's alone (mode 0700), in a directory tree nobody
 * else can change (see {@link TrustedDirectory}), checked at start.
 */
public final class StateDirectory {
    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rwx------");
    private static final String ROLE = "the state directory";

    private StateDirectory() {
    }

    /**
     * Checks, changing nothing, that the directory (or, when it does not exist yet, the part of its path that does)
     * is owned by root or the agent and writable by nobody else, and that its ancestors are safe.
     */
    public static void check(Path directory) throws UntrustedDirectoryException {
        if (Files.exists(directory, LinkOption.NOFOLLOW_LINKS)) {
            TrustedDirectory.require(directory, ROLE);
        } else {
            TrustedDirectory.requireCreatable(directory, ROLE);
        }
    }

    /**
     * Creates the directory (mode 0700) or narrows an existing one to 0700; fails clearly when it cannot, and
     * refuses a directory that others could write or own (it is not narrowed: what they may have put there stays
     * untrusted).
     */
    public static void prepare(Path directory) throws StateFileException {
        try {
            if (Files.exists(directory) && !Files.isDirectory(directory)) {
                throw new StateFileException(directory, "exists and is not a directory");
            }
            check(directory);
            Files.createDirectories(directory, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
            // Again, now that it exists: someone else may have made it between the check and the creation.
            TrustedDirectory.require(directory, ROLE);
            // Safe to follow links now: nobody but root and the agent can change the directory or its ancestors.
            if (!Files.getPosixFilePermissions(directory).equals(OWNER_ONLY)) {
                Files.setPosixFilePermissions(directory, OWNER_ONLY);
            }
            if (!Files.isWritable(directory)) {
                throw new StateFileException(directory, "is not writable");
            }
        } catch (UntrustedDirectoryException e) {
            throw new StateFileException(e);
        } catch (IOException e) {
            throw new StateFileException(directory, "cannot prepare the state directory", e);
        }
    }
}
