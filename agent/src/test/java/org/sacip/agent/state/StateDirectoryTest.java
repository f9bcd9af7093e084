package org.sacip.agent.state;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sacip.agent.files.ForeignOwner;
import org.sacip.agent.files.UntrustedDirectoryException;

/** The state directory on a real file system: created 0700, narrowed to 0700, refused (unchanged) when unsafe. */
class StateDirectoryTest {
    @TempDir
    Path dir;

    private static String mode(Path path) throws Exception {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(path));
    }

    @Test
    void aMissingDirectoryIsCreatedOwnerOnly() throws Exception {
        Path state = dir.resolve("var/lib/sacip");
        StateDirectory.prepare(state);
        assertEquals("rwx------", mode(state));
    }

    @Test
    void aReadableDirectoryOfOursIsNarrowedToOwnerOnly() throws Exception {
        Path state = Files.createDirectory(dir.resolve("state"));
        Files.setPosixFilePermissions(state, PosixFilePermissions.fromString("rwxr-xr-x"));
        StateDirectory.prepare(state);
        assertEquals("rwx------", mode(state));
    }

    @Test
    void aGroupWritableDirectoryIsRefusedAndLeftAsItIs() throws Exception {
        Path state = Files.createDirectory(dir.resolve("state"));
        Files.setPosixFilePermissions(state, PosixFilePermissions.fromString("rwxrwx---"));
        UntrustedDirectoryException check = assertThrows(UntrustedDirectoryException.class,
                () -> StateDirectory.check(state));
        StateFileException e = assertThrows(StateFileException.class, () -> StateDirectory.prepare(state));
        assertEquals(check.getMessage(), e.getMessage());
        assertTrue(e.getMessage().startsWith("the state directory " + state + " is writable by its group"),
                e.getMessage());
        assertEquals("rwxrwx---", mode(state), "a refused directory is not changed");
    }

    @Test
    void aDirectoryOfAnotherUidIsRefused() throws Exception {
        Path state = Files.createDirectory(dir.resolve("state"));
        ForeignOwner.give(state, ForeignOwner.unusedUid());
        StateFileException e = assertThrows(StateFileException.class, () -> StateDirectory.prepare(state));
        assertTrue(e.getMessage().contains(" is owned by uid "), e.getMessage());
    }

    @Test
    void nothingIsCreatedUnderAWorldWritableDirectoryWithoutTheStickyBit() throws Exception {
        Path shared = Files.createDirectory(dir.resolve("shared"));
        Files.setPosixFilePermissions(shared, PosixFilePermissions.fromString("rwxrwxrwx"));
        Path state = shared.resolve("sacip/state");
        assertThrows(StateFileException.class, () -> StateDirectory.prepare(state));
        assertFalse(Files.exists(shared.resolve("sacip")), "nothing created where others could interfere");
    }
}
