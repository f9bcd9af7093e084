package org.sacip.agent.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sacip.netlink.testing.TestNamespace;

/**
 * The agent as a process, as an administrator runs it: in its own network namespace, with only CAP_NET_ADMIN and
 * CAP_NET_RAW (setpriv drops every other capability, also from the bounding set), serving its control socket. A
 * normal stop leaves the data path in place; flush over the control socket removes it.
 */
class AgentProcessIntegrationTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** CAP_NET_ADMIN (12) and CAP_NET_RAW (13). */
    private static final String TWO_CAPABILITIES = "0000000000003000";

    @Test
    void runsWithOnlyNetAdminAndNetRawAndServesItsControlSocket(@TempDir Path dir) throws Exception {
        Path socket = dir.resolve("run/agent.sock");
        Path state = dir.resolve("state");
        try (TestNamespace ns = TestNamespace.create("agent")) {
            String link = ns.addVethPair("g");
            ns.addAddresses(link, "198.18.40.1/24", "2001:db8:40::1/64");
            Process agent = start(ns, socket, state);
            try {
                awaitSocket(agent, socket);
                assertEquals(TWO_CAPABILITIES, capability(agent, "CapEff"));
                assertEquals(TWO_CAPABILITIES, capability(agent, "CapBnd"));

                JsonNode status = request(socket, "status");
                assertTrue(status.path("ok").asBoolean(), status.toString());
                List<String> managed = new ArrayList<>();
                status.path("data").path("managed_addresses").forEach(a -> managed.add(a.path("address").asText()));
                assertTrue(managed.contains("198.18.40.1"), managed.toString());
                assertTrue(managed.contains("2001:db8:40::1"), managed.toString());
                assertTrue(status.path("data").path("drops").has("BAD_MAC"), status.toString());
                assertEquals(0, request(socket, "sessions").path("data").size());
                assertTrue(ns.exec("nft", "list", "tables").contains("table inet sacip"));
                assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(state)));

                agent.destroy();
                assertTrue(agent.waitFor(15, TimeUnit.SECONDS), "agent did not stop on SIGTERM");
                assertEquals(0, agent.exitValue());
                assertFalse(Files.exists(socket), "control socket left behind");
                assertTrue(ns.exec("nft", "list", "tables").contains("table inet sacip"),
                        "a normal stop must leave the data path for the remapped sessions");

                agent = start(ns, socket, state);
                awaitSocket(agent, socket);
                JsonNode flushed = request(socket, "flush");
                assertTrue(flushed.path("ok").asBoolean(), flushed.toString());
                assertFalse(ns.exec("nft", "list", "tables").contains("sacip"), "flush left our tables");
            } finally {
                agent.destroyForcibly();
                agent.waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    @Test
    void aBadConfigFileIsAOneLineErrorAndExitTwo(@TempDir Path dir) throws Exception {
        Path config = dir.resolve("agent.conf");
        Files.writeString(config, "interfaces = eth0\nudp-idle-timeout = forever\n");
        Process agent = new ProcessBuilder(java(), "-cp", System.getProperty("java.class.path"),
                AgentMain.class.getName(), "--config", config.toString(), "--state-dir", dir.resolve("s").toString(),
                "--control-socket", dir.resolve("c.sock").toString()).redirectErrorStream(true).start();
        assertTrue(agent.waitFor(30, TimeUnit.SECONDS));
        String output = new String(agent.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertEquals(2, agent.exitValue(), output);
        assertEquals("sacip-agent: " + config + ":2: not a duration: 'forever' (e.g. 90s, 2m, 500ms)", output);
        assertFalse(Files.exists(dir.resolve("s")), "a refused start must change nothing");
    }

    /** The agent in the namespace with only CAP_NET_ADMIN and CAP_NET_RAW; its log next to the state dir. */
    static Process start(TestNamespace ns, Path socket, Path state, String... extra) throws IOException {
        java.util.List<String> command = new java.util.ArrayList<>(List.of("ip", "netns", "exec", ns.name(), "setpriv",
                "--inh-caps=-all,+net_admin,+net_raw", "--ambient-caps=-all,+net_admin,+net_raw",
                "--bounding-set=-all,+net_admin,+net_raw", java(), "-XX:+UseSerialGC", "-Xmx128m", "-cp",
                System.getProperty("java.class.path"), AgentMain.class.getName(), "--control-socket",
                socket.toString(), "--state-dir", state.toString()));
        command.addAll(List.of(extra));
        return new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(state.resolveSibling("agent.log").toFile()).start();
    }

    private static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    static void awaitSocket(Process agent, Path socket) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!Files.exists(socket)) {
            if (!agent.isAlive() || System.nanoTime() > deadline) {
                fail("agent did not open " + socket + ": " + Files.readString(socket.getParent().getParent()
                        .resolve("agent.log")));
            }
            Thread.sleep(50);
        }
    }

    /** The capability set of the JVM: ip netns exec and setpriv exec into it, so the pid is the JVM's. */
    private static String capability(Process agent, String field) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(agent.pid()), "status"))) {
            if (line.startsWith(field + ":")) {
                return line.substring(field.length() + 1).strip();
            }
        }
        throw new IOException(field + " not in /proc/" + agent.pid() + "/status");
    }

    static JsonNode request(Path socket, String command) throws IOException {
        try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            channel.connect(UnixDomainSocketAddress.of(socket));
            channel.write(ByteBuffer.wrap(("{\"v\":1,\"cmd\":\"" + command + "\"}\n")
                    .getBytes(StandardCharsets.UTF_8)));
            ByteBuffer buffer = ByteBuffer.allocate(1 << 20);
            while (channel.read(buffer) >= 0) {
                if (buffer.position() > 0 && buffer.get(buffer.position() - 1) == '\n') {
                    break;
                }
            }
            return JSON.readTree(new String(buffer.array(), 0, buffer.position(), StandardCharsets.UTF_8));
        }
    }
}
