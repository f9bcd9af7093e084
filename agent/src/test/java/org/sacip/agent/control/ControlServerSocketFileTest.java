package org.sacip.agent.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sacip.agent.files.ForeignOwner;
import org.sacip.testing.Eventually;

/**
 * The socket file on disk: mode, group, parent directory (its owner and mode, and its ancestors'), stale and live
 * sockets, symbolic links planted at the path, removal on close.
 */
class ControlServerSocketFileTest {
    @TempDir
    Path dir;

    private ControlServer start(Path socket, Optional<String> group) throws ControlServerException {
        return ControlServer.start(socket, group, "0.1.0-test", new InMemoryControlApi(), new EventFeed());
    }

    private static PosixFileAttributes attributes(Path path) throws Exception {
        return Files.readAttributes(path, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    }

    private static boolean serves(Path socket) throws Exception {
        return ControlClient.ask(socket, "{\"v\":1,\"cmd\":\"version\"}").get("ok").asBoolean();
    }

    @Test
    void theSocketIs0660WithTheConfiguredGroupInANew0755Directory() throws Exception {
        Path socket = dir.resolve("run/sacip/agent.sock");
        try (ControlServer server = start(socket, Optional.of("nogroup"))) {
            PosixFileAttributes socketAttributes = attributes(socket);
            assertTrue(socketAttributes.isOther(), "a socket, not a regular file");
            assertEquals("rw-rw----", PosixFilePermissions.toString(socketAttributes.permissions()));
            assertEquals("nogroup", socketAttributes.group().getName());
            assertEquals("root", socketAttributes.owner().getName());
            assertEquals("rwxr-xr-x", PosixFilePermissions.toString(attributes(socket.getParent()).permissions()));
            assertEquals(socket, server.socketPath());
            assertTrue(serves(socket));
        }
    }

    @Test
    void withoutAGroupTheSocketKeepsTheProcessGroup() throws Exception {
        Path socket = dir.resolve("agent.sock");
        try (ControlServer server = start(socket, Optional.empty())) {
            assertEquals("root", attributes(socket).group().getName());
            assertEquals("rw-rw----", PosixFilePermissions.toString(attributes(socket).permissions()));
        }
    }

    @Test
    void anUnknownGroupIsAClearErrorAndCreatesNothing() {
        Path socket = dir.resolve("run/agent.sock");
        ControlServerException e = assertThrows(ControlServerException.class,
                () -> start(socket, Optional.of("no-such-group-sacip")));
        assertEquals("unknown group \"no-such-group-sacip\" for the control socket", e.getMessage());
        assertFalse(Files.exists(socket.getParent()));
    }

    @Test
    void aStaleSocketFileIsReplaced() throws Exception {
        Path socket = dir.resolve("agent.sock");
        // Closing a bound unix server socket leaves its file behind: what a crashed agent leaves.
        try (ServerSocketChannel crashed = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            crashed.bind(UnixDomainSocketAddress.of(socket));
        }
        assertTrue(Files.exists(socket, LinkOption.NOFOLLOW_LINKS));
        try (ControlServer server = start(socket, Optional.empty())) {
            assertTrue(serves(socket));
            assertEquals("rw-rw----", PosixFilePermissions.toString(attributes(socket).permissions()));
        }
    }

    @Test
    void aSecondServerOnALiveSocketFailsAndLeavesTheFirstServing() throws Exception {
        Path socket = dir.resolve("agent.sock");
        try (ControlServer first = start(socket, Optional.empty())) {
            ControlServerException e = assertThrows(ControlServerException.class,
                    () -> start(socket, Optional.empty()));
            assertEquals("another agent is already serving " + socket, e.getMessage());
            assertTrue(serves(socket));
        }
    }

    @Test
    void aFileThatIsNotASocketIsNotReplaced() throws Exception {
        Path socket = dir.resolve("agent.sock");
        Files.writeString(socket, "precious");
        ControlServerException e = assertThrows(ControlServerException.class, () -> start(socket, Optional.empty()));
        assertTrue(e.getMessage().contains("is not a socket"), e.getMessage());
        assertEquals("precious", Files.readString(socket));
    }

    @Test
    void closeEndsConnectionsAndDeletesTheFile() throws Exception {
        Path socket = dir.resolve("agent.sock");
        ControlServer server = start(socket, Optional.empty());
        try (ControlClient idle = ControlClient.connect(socket);
                ControlClient follower = ControlClient.connect(socket)) {
            follower.send("{\"v\":1,\"cmd\":\"events\"}\n");
            assertTrue(follower.readJson(ControlClient.PATIENCE).get("data").get("following").asBoolean());
            Eventually.await(Duration.ofSeconds(10), () -> server.openConnections() == 1,
                    () -> "the idle connection to be accepted");
            server.close();
            assertFalse(Files.exists(socket, LinkOption.NOFOLLOW_LINKS));
            assertTrue(idle.endsWithin(ControlClient.PATIENCE), "idle connection closed");
            assertTrue(follower.endsWithin(ControlClient.PATIENCE), "events connection closed");
        }
        server.close(); // twice is harmless
        try (ControlServer again = start(socket, Optional.empty())) {
            assertTrue(serves(socket), "the path can be served again");
        }
    }
    @Test
    void aGroupWritableDirectoryIsRefusedAndNothingIsBound() throws Exception {
        Path run = Files.createDirectory(dir.resolve("run"));
        Files.setPosixFilePermissions(run, PosixFilePermissions.fromString("rwxrwxr-x"));
        ControlServerException e = assertThrows(ControlServerException.class,
                () -> start(run.resolve("agent.sock"), Optional.empty()));
        assertEquals("the control socket's directory " + run + " is writable by its group (mode 0775); only its "
                + "owner may write to it", e.getMessage());
        try (Stream<Path> left = Files.list(run)) {
            assertEquals(List.of(), left.toList(), "nothing bound or created");
        }
    }

    @Test
    void aDirectoryOwnedByAnotherUidIsRefused() throws Exception {
        Path run = Files.createDirectory(dir.resolve("run"));
        int uid = ForeignOwner.unusedUid();
        ForeignOwner.give(run, uid);
        ControlServerException e = assertThrows(ControlServerException.class,
                () -> start(run.resolve("agent.sock"), Optional.empty()));
        assertTrue(e.getMessage().startsWith("the control socket's directory " + run + " is owned by uid " + uid),
                e.getMessage());
        assertFalse(Files.exists(run.resolve("agent.sock"), LinkOption.NOFOLLOW_LINKS));
    }

    @Test
    void aStickyWorldWritableAncestorLikeTmpIsAccepted() throws Exception {
        Path tmp = Files.createDirectory(dir.resolve("tmp"));
        Files.setAttribute(tmp, "unix:mode", 01777);
        Path socket = tmp.resolve("sacip/agent.sock");
        try (ControlServer server = start(socket, Optional.empty())) {
            assertTrue(serves(socket));
            assertEquals("rwxr-xr-x", PosixFilePermissions.toString(attributes(socket.getParent()).permissions()));
        }
    }

    @Test
    void aWorldWritableAncestorWithoutTheStickyBitIsRefusedAndNothingIsCreated() throws Exception {
        Path shared = Files.createDirectory(dir.resolve("shared"));
        Files.setPosixFilePermissions(shared, PosixFilePermissions.fromString("rwxrwxrwx"));
        Path socket = shared.resolve("sacip/agent.sock");
        ControlServerException e = assertThrows(ControlServerException.class, () -> start(socket, Optional.empty()));
        assertEquals("the control socket's directory " + socket.getParent() + " is not safe: its ancestor " + shared
                + " is writable by its group and others without the sticky bit (mode 0777)", e.getMessage());
        assertFalse(Files.exists(socket.getParent()), "nothing created where others could interfere");
    }

    @Test
    void aSymlinkPlantedAtTheSocketPathChangesNoFilesMode() throws Exception {
        Path precious = Files.writeString(dir.resolve("precious"), "keys");
        Files.setPosixFilePermissions(precious, PosixFilePermissions.fromString("rw-------"));
        Path socket = dir.resolve("agent.sock");
        Files.createSymbolicLink(socket, precious);
        ControlServerException e = assertThrows(ControlServerException.class, () -> start(socket, Optional.empty()));
        assertTrue(e.getMessage().contains("is not a socket"), e.getMessage());
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(precious)));
        assertTrue(Files.isSymbolicLink(socket), "the link is left as it was");
        try (Stream<Path> left = Files.list(dir)) {
            assertEquals(2, left.count(), "no staging directory left behind");
        }
    }

    /**
     * The race itself: a writer of the directory replaces the socket path with a symlink to a file again and again
     * while servers start. Had the mode been set at the socket path after bind, some start would chmod the link's
     * target to 0660; bound in a private directory first, every start either serves its own socket or refuses.
     */
    @Test
    void aSymlinkSwappedInWhileTheServerStartsChangesNoFilesMode() throws Exception {
        int rounds = 1000;
        Path precious = Files.writeString(dir.resolve("precious"), "keys");
        Files.setPosixFilePermissions(precious, PosixFilePermissions.fromString("rw-------"));
        Path socket = dir.resolve("agent.sock");
        AtomicBoolean planting = new AtomicBoolean(true);
        Thread planter = new Thread(() -> {
            while (planting.get()) {
                try {
                    Files.deleteIfExists(socket);
                    Files.createSymbolicLink(socket, precious);
                } catch (java.io.IOException raced) {
                    // The server's own file was there again; the next round retries.
                }
            }
        }, "planter");
        planter.start();
        int served = 0;
        try {
            for (int i = 0; i < rounds; i++) {
                try (ControlServer server = start(socket, Optional.empty())) {
                    served++;
                } catch (ControlServerException refused) {
                    // Refusing what it found at the path is one of the two right outcomes.
                }
                assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(precious)),
                        "round " + i + ": the symlink's target changed mode");
            }
        } finally {
            planting.set(false);
            planter.join();
        }
        System.out.println("servers started despite the planter: " + served + " of " + rounds);
    }
}
