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
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The socket file on disk: mode, group, parent directory, stale and live sockets, removal on close. */
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
            Thread.sleep(100); // let the idle connection be accepted
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
}
