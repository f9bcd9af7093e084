package org.sacip.agent.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sacip.control.ControlCommand;
import org.sacip.control.ControlFailure;
import org.sacip.netlink.testing.TestNamespace;
import org.sacip.testing.AgentProcess;
import org.sacip.testing.Eventually;

/**
 * The option close-legacy-sessions, end to end: A runs the agent, B has none. Once A's probes to B have timed out
 * (about 31 s: five handshake transmissions), A's address moves on the same link and the agent closes the session
 * at once (ss -K style), so the application learns of it instead of waiting for a timeout.
 */
class LegacySessionCloseIntegrationTest {
    private static final Duration PROBE_GIVE_UP = Duration.ofSeconds(40);
    private static final Duration SESSION_CLOSED = Duration.ofSeconds(10);
    /** Far longer than a destroyed socket takes to fail a read; a socket left open would time out instead. */
    private static final int READ_TIMEOUT_MS = 5000;

    @Test
    void closesSessionsWithAPeerWithoutAgentWhenItsAddressMoves(@TempDir Path dir) throws Exception {
        Path config = dir.resolve("agent.conf");
        Files.writeString(config, "close-legacy-sessions = yes\n");
        try (TestNamespace a = TestNamespace.create("la"); TestNamespace b = TestNamespace.create("lb")) {
            String aLink = TestNamespace.interfaceName("la");
            String bLink = TestNamespace.interfaceName("lb");
            a.linkTo(b, aLink, bLink);
            a.exec("ip", "addr", "add", "198.18.50.1/24", "dev", aLink);
            b.exec("ip", "addr", "add", "198.18.50.2/24", "dev", bLink);
            try (AgentProcess agent = AgentLaunch.start(a, dir, "--config", config.toString());
                    ServerSocket server = b.netNamespace().call(() -> new ServerSocket(5001, 1,
                            InetAddress.getByName("198.18.50.2")));
                    Socket client = a.netNamespace().call(() -> {
                        Socket socket = new Socket();
                        socket.bind(new InetSocketAddress(InetAddress.getByName("198.18.50.1"), 0));
                        return socket;
                    })) {
                agent.awaitReady(AgentLaunch.READY);
                client.connect(server.getLocalSocketAddress(), 10_000);
                try (Socket accepted = server.accept()) {
                    Eventually.await(PROBE_GIVE_UP, () -> sessions(agent), sessions -> sessions.contains(
                            "\"binding\":\"no-agent\""), () -> "A's agent to give up on B (binding no-agent)");
                    a.exec("ip", "addr", "add", "198.18.50.11/24", "dev", aLink);
                    a.exec("ip", "addr", "del", "198.18.50.1/24", "dev", aLink);
                    Eventually.await(SESSION_CLOSED, () -> established(a), String::isBlank,
                            () -> "the session with the agent-less peer to be closed");
                    client.setSoTimeout(READ_TIMEOUT_MS);
                    // ECONNABORTED from SOCK_DESTROY: the application knows at once. A read that merely timed out
                    // (the socket never destroyed) throws SocketTimeoutException, which is not a SocketException.
                    assertThrows(SocketException.class, () -> client.getInputStream().read(),
                            "reading the destroyed socket");
                }
                assertEquals(0, agent.stop(AgentLaunch.STOP), () -> "exit status after SIGTERM; agent log:\n"
                        + agent.logTail());
            }
        }
    }

    private static String sessions(AgentProcess agent) {
        try {
            return agent.request(ControlCommand.SESSIONS).toString();
        } catch (ControlFailure e) {
            return "(no answer: " + e.getMessage() + ")";
        }
    }

    private static String established(TestNamespace ns) {
        try {
            return ns.exec("ss", "-tnH", "state", "established");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
