package org.sacip.agent.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sacip.agent.files.ForeignOwner;
import org.sacip.commands.CommandResult;
import org.sacip.commands.Commands;
import org.sacip.testing.Prerequisites;

/**
 * Change commands need a root peer, told by uid through SO_PEERCRED. The non-root clients are python3 run via
 * setpriv as nobody:nogroup and as a uid without an account, so the server sees real other uids.
 */
class ControlServerPermissionTest {
    private static final Path PYTHON = Path.of("/usr/bin/python3");
    private static final Path SETPRIV = Path.of("/usr/bin/setpriv");
    // Prints the reply line, or "CONNECT-ERROR <errno>" when the socket's mode keeps us out.
    private static final String CLIENT = String.join("\n",
            "import socket, sys",
            "s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)",
            "s.settimeout(5)",
            "try:",
            "    s.connect(sys.argv[1])",
            "except OSError as e:",
            "    print('CONNECT-ERROR', e.errno)",
            "    sys.exit(0)",
            "s.sendall(sys.argv[2].encode() + b'\\n')",
            "reply = b''",
            "while not reply.endswith(b'\\n'):",
            "    chunk = s.recv(4096)",
            "    if not chunk:",
            "        break",
            "    reply += chunk",
            "sys.stdout.write(reply.decode())");

    private static final int NOBODY = 65534;

    @TempDir
    Path dir;
    private final InMemoryControlApi api = new InMemoryControlApi();

    @BeforeEach
    void needsRootAndTools() throws IOException {
        Prerequisites.requireRoot("to switch users");
        Prerequisites.requireExecutable(PYTHON);
        Prerequisites.requireExecutable(SETPRIV);
        // nobody must be able to reach the socket's directory; only the socket's own mode decides.
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    private ControlServer start(Path socket, Optional<String> group) throws ControlServerException {
        return ControlServer.start(socket, group, "0.1.0-test", api, new EventFeed());
    }

    private static String askAsNobody(Path socket, String request) throws Exception {
        return askAs(NOBODY, socket, request);
    }

    /** The client as {@code uid} with group nogroup (the socket's group in these tests) and no other groups. */
    private static String askAs(int uid, Path socket, String request) throws Exception {
        CommandResult result = Commands.run(List.of(SETPRIV.toString(), "--reuid=" + uid, "--regid=" + NOBODY,
                "--clear-groups", PYTHON.toString(), "-I", "-c", CLIENT, socket.toString(), request),
                Duration.ofSeconds(20)).requireSuccess();
        return result.stdout().trim();
    }

    @Test
    void flushFromRootIsCarriedOut() throws Exception {
        Path socket = dir.resolve("agent.sock");
        try (ControlServer server = start(socket, Optional.of("nogroup"))) {
            JsonNode reply = ControlClient.ask(socket, "{\"v\":1,\"cmd\":\"flush\"}");
            assertTrue(reply.get("ok").asBoolean(), reply.toString());
            assertEquals(1, api.flushes.get());
        }
    }

    @Test
    void flushFromAGroupMemberIsRefusedButReadCommandsAreServed() throws Exception {
        Path socket = dir.resolve("run/agent.sock");
        try (ControlServer server = start(socket, Optional.of("nogroup"))) {
            JsonNode refused = new ObjectMapper().readTree(askAsNobody(socket, "{\"v\":1,\"cmd\":\"flush\"}"));
            assertFalse(refused.get("ok").asBoolean(), refused.toString());
            assertEquals("permission", refused.get("error").asText());
            assertTrue(refused.get("message").asText().contains("nobody"), refused.toString());
            assertEquals(0, api.flushes.get(), "nothing was flushed");
            JsonNode status = new ObjectMapper().readTree(askAsNobody(socket, "{\"v\":1,\"cmd\":\"status\"}"));
            assertTrue(status.get("ok").asBoolean(), status.toString());
        }
    }

    @Test
    void flushFromAUidWithoutAnAccountIsRefused() throws Exception {
        Path socket = dir.resolve("agent.sock");
        int uid = ForeignOwner.unusedUid();
        try (ControlServer server = start(socket, Optional.of("nogroup"))) {
            JsonNode refused = new ObjectMapper().readTree(askAs(uid, socket, "{\"v\":1,\"cmd\":\"flush\"}"));
            assertFalse(refused.get("ok").asBoolean(), refused.toString());
            assertEquals("permission", refused.get("error").asText());
            assertEquals("flush needs root (uid 0); the peer is user " + uid, refused.get("message").asText());
            assertEquals(0, api.flushes.get(), "nothing was flushed");
        }
    }

    @Test
    void someoneOutsideTheGroupCannotConnectAtAll() throws Exception {
        Path socket = dir.resolve("agent.sock");
        try (ControlServer server = start(socket, Optional.of("root"))) {
            assertEquals("CONNECT-ERROR 13", askAsNobody(socket, "{\"v\":1,\"cmd\":\"status\"}"), "EACCES");
        }
    }
}
