package org.sacip.agent.state;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/** The agent's state directory: keys live there, so it is the agent's alone (mode 0700), checked at start. */
public final class StateDirectory {
    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rwx------");

    private StateDirectory() {
    }

    /** Creates the directory (mode 0700) or narrows an existing one to 0700; fails clearly when it cannot. */
    public static void prepare(Path directory) throws StateFileException {
        try {
            if (Files.exists(directory) && !Files.isDirectory(directory)) {
                throw new StateFileException(directory, "exists and is not a directory");
            }
            Files.createDirectories(directory, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
            if (!Files.getPosixFilePermissions(directory).equals(OWNER_ONLY)) {
                Files.setPosixFilePermissions(directory, OWNER_ONLY);
            }
            if (!Files.isWritable(directory)) {
                throw new StateFileException(directory, "is not writable");
            }
        } catch (IOException e) {
            throw new StateFileException(directory, "cannot prepare the state directory", e);
        }
    }
}
