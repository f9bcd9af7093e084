package org.sacip.tools.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sacip.tools.cli.ExitCode;
import org.sacip.control.ControlClient;
import org.sacip.tools.testing.FakeAgent;
import org.sacip.tools.testing.Run;
import org.sacip.tools.testing.Run.Result;

/** What sacipctl says and returns when the agent is absent, refuses, or does not speak the protocol. */
class ConnectionErrorsTest {
    @TempDir
    Path dir;

    @Test
    void aMissingSocketIsExitThree() {
        Path socket = dir.resolve("agent.sock");
        Result result = new Run().sacipctl("--socket", socket.toString(), "status");
        assertFailure(result, ExitCode.NOT_RUNNING,
                "sacipctl: cannot reach the SACIP agent at " + socket + ": not running? (start sacip-agent)");
    }

    @Test
    void aPlainFileAtThePathIsExitThree() throws Exception {
        Path socket = Files.writeString(dir.resolve("agent.sock"), "not a socket");
        Result result = new Run().sacipctl("sessions", "--socket", socket.toString());
        assertFailure(result, ExitCode.NOT_RUNNING,
                "sacipctl: cannot reach the SACIP agent at " + socket + ": not running? (start sacip-agent)");
    }

    @Test
    void aSocketNobodyListensOnIsExitThree() throws Exception {
        Path socket = dir.resolve("agent.sock");
        // A stale socket file, as a crashed agent leaves it: bound once, nobody listening any more.
        try (var channel = java.nio.channels.ServerSocketChannel.open(java.net.StandardProtocolFamily.UNIX)) {
            channel.bind(java.net.UnixDomainSocketAddress.of(socket));
        }
        assertTrue(Files.exists(socket), "the stale socket file stays");
        Result result = new Run().sacipctl("--socket", socket.toString(), "status");
        assertFailure(result, ExitCode.NOT_RUNNING,
                "sacipctl: cannot reach the SACIP agent at " + socket + ": not running? (start sacip-agent)");
    }

    @Test
    void aGarbageReplyIsExitFive() throws Exception {
        try (FakeAgent agent = FakeAgent.replying(dir.resolve("agent.sock"), request -> List.of("HTTP/1.1 400"))) {
            Result result = new Run().sacipctl("--socket", agent.path().toString(), "status");
            assertFailure(result, ExitCode.PROTOCOL, "sacipctl: protocol error: the agent's reply is not JSON: "
                    + "'HTTP/1.1 400'");
        }
    }

    @Test
    void aWrongProtocolVersionIsExitFive() throws Exception {
        try (FakeAgent agent = FakeAgent.replying(dir.resolve("agent.sock"),
                request -> List.of("{\"v\":2,\"ok\":true,\"data\":[]}"))) {
            Result result = new Run().sacipctl("--socket", agent.path().toString(), "ghosts");
            assertFailure(result, ExitCode.PROTOCOL, "sacipctl: protocol error: the agent replied with control "
                    + "protocol version 2; this client speaks version 1");
        }
    }

    @Test
    void aPayloadOfTheWrongShapeIsExitFive() throws Exception {
        try (FakeAgent agent = FakeAgent.replying(dir.resolve("agent.sock"),
                request -> List.of(FakeAgent.ok("{\"not\":\"a list\"}")))) {
            Result result = new Run().sacipctl("--socket", agent.path().toString(), "sessions");
            assertFailure(result, ExitCode.PROTOCOL,
                    "sacipctl: protocol error: the agent's \"sessions\" payload is not a JSON array");
        }
    }

    @Test
    void hangingUpWithoutAReplyIsExitFive() throws Exception {
        try (FakeAgent agent = FakeAgent.replying(dir.resolve("agent.sock"), request -> List.of())) {
            Result result = new Run().sacipctl("--socket", agent.path().toString(), "peers");
            assertFailure(result, ExitCode.PROTOCOL,
                    "sacipctl: protocol error: the agent closed the connection without replying");
        }
    }

    @Test
    void noReplyWithinTheTimeoutIsExitFive() throws Exception {
        assertEquals(Duration.ofSeconds(5), ControlClient.DEFAULT_REPLY_TIMEOUT);
        // Half a reply, then silence: the timeout covers the whole line, not each read.
        try (FakeAgent agent = FakeAgent.replyingThenSilent(dir.resolve("agent.sock"), request -> List.of())) {
            long start = System.nanoTime();
            Result result = new Run().replyTimeout(Duration.ofMillis(300))
                    .sacipctl("--socket", agent.path().toString(), "status");
            long elapsedMillis = (System.nanoTime() - start) / 1_000_000;
            assertFailure(result, ExitCode.PROTOCOL, "sacipctl: protocol error: no reply from the agent within 300 ms");
            assertTrue(elapsedMillis >= 300 && elapsedMillis < 3_000, elapsedMillis + " ms");
        }
    }

    @Test
    void anAgentErrorIsExitOneWithCodeAndMessage() throws Exception {
        try (FakeAgent agent = FakeAgent.replying(dir.resolve("agent.sock"), request -> List.of(
                "{\"v\":1,\"ok\":false,\"error\":\"busy\",\"message\":\"too many control clients\"}"))) {
            Result result = new Run().sacipctl("--socket", agent.path().toString(), "status");
            assertFailure(result, ExitCode.AGENT_ERROR, "sacipctl: busy: too many control clients");
        }
    }

    @Test
    void anAgentPermissionErrorIsExitFour() throws Exception {
        try (FakeAgent agent = FakeAgent.replying(dir.resolve("agent.sock"), request -> List.of(
                "{\"v\":1,\"ok\":false,\"error\":\"permission\",\"message\":\"flush needs root\"}"))) {
            Result result = new Run().sacipctl("--socket", agent.path().toString(), "flush", "--yes");
            assertFailure(result, ExitCode.PERMISSION,
                    "sacipctl: permission denied: flush needs root (are you root or in the sacip group?)");
        }
    }

    static void assertFailure(Result result, int exitCode, String line) {
        assertEquals(exitCode, result.exitCode(), result.err());
        assertEquals(List.of(line), result.errLines());
        assertEquals("", result.out());
    }
}
