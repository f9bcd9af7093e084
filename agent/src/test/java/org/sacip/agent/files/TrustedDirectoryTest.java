package org.sacip.agent.files;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Real directories with real owners and modes (JUnit's temporary directory lives in /tmp: sticky, world-writable). */
class TrustedDirectoryTest {
    private static final String ROLE = "the state directory";

    @TempDir
    Path dir;

    private Path directory(String name, String mode) throws Exception {
        Path path = Files.createDirectories(dir.resolve(name));
        Files.setPosixFilePermissions(path, PosixFilePermissions.fromString(mode));
        return path;
    }

    private static UntrustedDirectoryException refused(Path path) {
        return assertThrows(UntrustedDirectoryException.class, () -> TrustedDirectory.require(path, ROLE));
    }

    @Test
    void aDirectoryOfOursWritableOnlyByUsIsTrustedUnderTmp() throws Exception {
        TrustedDirectory.require(directory("state", "rwx------"), ROLE);
        TrustedDirectory.require(directory("run", "rwxr-xr-x"), ROLE);
    }

    @Test
    void aGroupWritableDirectoryIsRefused() throws Exception {
        Path state = directory("state", "rwxrwx---");
        UntrustedDirectoryException e = refused(state);
        assertEquals(UntrustedDirectoryException.Problem.WRITABLE_BY_OTHERS, e.problem());
        assertEquals(state, e.path());
        assertEquals("the state directory " + state + " is writable by its group (mode 0770); only its owner may "
                + "write to it", e.getMessage());
    }

    @Test
    void aWorldWritableDirectoryIsRefusedEvenWithTheStickyBit() throws Exception {
        Path state = directory("state", "rwxrwxrwx");
        Files.setAttribute(state, "unix:mode", 01777);
        UntrustedDirectoryException e = refused(state);
        assertEquals(UntrustedDirectoryException.Problem.WRITABLE_BY_OTHERS, e.problem());
        assertEquals("the state directory " + state + " is writable by its group and others (mode 1777); only its "
                + "owner may write to it", e.getMessage());
    }

    @Test
    void aDirectoryOwnedByAnotherUidIsRefused() throws Exception {
        Path state = directory("state", "rwx------");
        int uid = ForeignOwner.unusedUid();
        ForeignOwner.give(state, uid);
        UntrustedDirectoryException e = refused(state);
        assertEquals(UntrustedDirectoryException.Problem.FOREIGN_OWNER, e.problem());
        assertEquals("the state directory " + state + " is owned by uid " + uid + ", not by root or the agent's uid "
                + TrustedDirectory.ownUid(), e.getMessage());
    }

    @Test
    void aStickyWorldWritableAncestorLikeTmpIsAccepted() throws Exception {
        Path tmp = directory("tmp", "rwxrwxrwx");
        Files.setAttribute(tmp, "unix:mode", 01777);
        Path state = Files.createDirectory(tmp.resolve("state"), PosixFilePermissions.asFileAttribute(
                PosixFilePermissions.fromString("rwx------")));
        TrustedDirectory.require(state, ROLE);
        TrustedDirectory.requireCreatable(tmp.resolve("new/state"), ROLE);
    }

    @Test
    void aWorldWritableAncestorWithoutTheStickyBitIsRefused() throws Exception {
        Path shared = directory("shared", "rwxrwxrwx");
        Path state = Files.createDirectory(shared.resolve("state"));
        UntrustedDirectoryException e = refused(state);
        assertEquals(UntrustedDirectoryException.Problem.WRITABLE_WITHOUT_STICKY_BIT, e.problem());
        assertEquals(shared, e.path());
        assertEquals("the state directory " + state + " is not safe: its ancestor " + shared + " is writable by its "
                + "group and others without the sticky bit (mode 0777)", e.getMessage());
        UntrustedDirectoryException creating = assertThrows(UntrustedDirectoryException.class,
                () -> TrustedDirectory.requireCreatable(shared.resolve("new/state"), ROLE));
        assertEquals(shared, creating.path());
    }

    @Test
    void anAncestorOwnedByAnotherUidIsRefused() throws Exception {
        Path home = directory("home", "rwxr-xr-x");
        Path state = Files.createDirectory(home.resolve("state"));
        ForeignOwner.give(home, ForeignOwner.unusedUid());
        UntrustedDirectoryException e = refused(state);
        assertEquals(UntrustedDirectoryException.Problem.FOREIGN_OWNER, e.problem());
        assertEquals(home, e.path());
    }

    @Test
    void aLinkIsJudgedByWhereItLivesAndWhereItLeads() throws Exception {
        Path shared = directory("shared", "rwxrwxrwx");
        Path safe = directory("safe", "rwx------");
        // A link in a directory anyone can write: they could point it elsewhere.
        Path linkInShared = Files.createSymbolicLink(shared.resolve("state"), safe);
        assertEquals(shared, refused(linkInShared).path());
        // A link of ours that leads into a directory anyone can write.
        Path target = Files.createDirectory(shared.resolve("target"));
        Path linkToShared = Files.createSymbolicLink(dir.resolve("state"), target);
        assertEquals(shared, refused(linkToShared).path());
        // A link of ours to a safe directory is fine.
        TrustedDirectory.require(Files.createSymbolicLink(dir.resolve("ok"), safe), ROLE);
    }

    @Test
    void aFileIsNotADirectory() throws Exception {
        Path file = Files.writeString(dir.resolve("state"), "x");
        UntrustedDirectoryException e = refused(file);
        assertEquals(UntrustedDirectoryException.Problem.NOT_A_DIRECTORY, e.problem());
        assertEquals("the state directory " + file + " is not a directory", e.getMessage());
    }
}
