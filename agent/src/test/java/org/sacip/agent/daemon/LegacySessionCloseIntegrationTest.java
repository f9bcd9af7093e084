package org.sacip.agent.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sacip.netlink.testing.TestNamespace;

/**
 * The option close-legacy-sessions, end to end: A runs the agent, B has none. Once A's probes to B have timed out
 * (about 31 s: five handshake transmissions), A's address moves on the same link and the agent closes the session
 * at once (ss -K style), so the application learns of it instead of waiting for a timeout.
 */
class LegacySessionCloseIntegrationTest {
    private static final long PROBE_GIVE_UP_MS = 40_000;

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
            Process agent = AgentProcessIntegrationTest.start(a, dir.resolve("ctl.sock"), dir.resolve("state"),
                    "--config", config.toString());
            try (ServerSocket server = b.netNamespace().call(() -> new ServerSocket(5001, 1,
                    InetAddress.getByName("198.18.50.2")));
                    Socket client = a.netNamespace().call(() -> {
                        Socket socket = new Socket();
                        socket.bind(new InetSocketAddress(InetAddress.getByName("198.18.50.1"), 0));
                        return socket;
                    })) {
                AgentProcessIntegrationTest.awaitSocket(agent, dir.resolve("ctl.sock"));
                client.connect(server.getLocalSocketAddress(), 10_000);
                try (Socket accepted = server.accept()) {
                    awaitNoAgent(dir.resolve("ctl.sock"));
                    a.exec("ip", "addr", "add", "198.18.50.11/24", "dev", aLink);
                    a.exec("ip", "addr", "del", "198.18.50.1/24", "dev", aLink);
                    long deadline = System.currentTimeMillis() + 10_000;
                    while (!a.exec("ss", "-tnH", "state", "established").isBlank()) {
                        if (System.currentTimeMillis() > deadline) {
                            fail("the session with the agent-less peer is still open: "
                                    + a.exec("ss", "-tnH", "state", "established"));
                        }
                        Thread.sleep(50);
                    }
                    client.setSoTimeout(5000);
                    try {
                        int read = client.getInputStream().read();
                        fail("the closed socket still read " + read);
                    } catch (IOException expected) {
                        // ECONNABORTED from SOCK_DESTROY: the application knows at once.
                    }
                }
            } finally {
                agent.destroy();
                assertTrue(agent.waitFor(15, TimeUnit.SECONDS));
                assertEquals(0, agent.exitValue());
            }
        }
    }

    /** Waits until A's agent lists B with capability "none" (its key agreement timed out). */
    private static void awaitNoAgent(Path socket) throws Exception {
        long deadline = System.currentTimeMillis() + PROBE_GIVE_UP_MS;
        while (System.currentTimeMillis() < deadline) {
            String peers = AgentProcessIntegrationTest.request(socket, "peers").toString();
            if (peers.contains("\"capability\":\"none\"")) {
                return;
            }
            Thread.sleep(500);
        }
        fail("A's agent never gave up on B: " + AgentProcessIntegrationTest.request(socket, "peers"));
    }
}
