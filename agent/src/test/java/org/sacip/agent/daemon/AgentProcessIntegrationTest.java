package org.sacip.agent.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sacip.commands.CommandResult;
import org.sacip.commands.Commands;
import org.sacip.control.ControlCommand;
import org.sacip.netlink.testing.TestNamespace;
import org.sacip.testing.AgentProcess;

/**
 * The agent as a process, as an administrator runs it: in its own network namespace, with only CAP_NET_ADMIN and
 * CAP_NET_RAW, serving its control socket. A normal stop leaves the data path in place; flush over the control
 * socket removes it.
 */
class AgentProcessIntegrationTest {
    /** CAP_NET_ADMIN (12) and CAP_NET_RAW (13). */
    private static final String TWO_CAPABILITIES = "0000000000003000";

    @Test
    void runsWithOnlyNetAdminAndNetRawAndServesItsControlSocket(@TempDir Path dir) throws Exception {
        Path socket = AgentLaunch.socket(dir);
        Path state = AgentLaunch.state(dir);
        try (TestNamespace ns = TestNamespace.create("agent")) {
            String link = ns.addVethPair("g");
            ns.addAddresses(link, "198.18.40.1/24", "2001:db8:40::1/64");
            try (AgentProcess agent = AgentLaunch.start(ns, dir).awaitReady(AgentLaunch.READY)) {
                assertEquals(TWO_CAPABILITIES, capability(agent, "CapEff"));
                assertEquals(TWO_CAPABILITIES, capability(agent, "CapBnd"));

                JsonNode status = agent.request(ControlCommand.STATUS);
                assertTrue(status.path("ok").asBoolean(), status.toString());
                List<String> managed = new ArrayList<>();
                status.path("data").path("managed_addresses").forEach(a -> managed.add(a.path("address").asText()));
                assertTrue(managed.contains("198.18.40.1"), managed.toString());
                assertTrue(managed.contains("2001:db8:40::1"), managed.toString());
                assertTrue(status.path("data").path("drops").has("BAD_MAC"), status.toString());
                assertEquals(0, agent.request(ControlCommand.SESSIONS).path("data").size());
                assertTrue(ns.exec("nft", "list", "tables").contains("table inet sacip"));
                assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(state)));

                assertEquals(0, agent.stop(AgentLaunch.STOP), () -> "exit status after SIGTERM; agent log:\n"
                        + agent.logTail());
                assertFalse(Files.exists(socket, LinkOption.NOFOLLOW_LINKS), "control socket left behind");
                assertTrue(ns.exec("nft", "list", "tables").contains("table inet sacip"),
                        "a normal stop must leave the data path for the remapped sessions");
            }
            try (AgentProcess agent = AgentLaunch.start(ns, dir).awaitReady(AgentLaunch.READY)) {
                JsonNode flushed = agent.request(ControlCommand.FLUSH);
                assertTrue(flushed.path("ok").asBoolean(), flushed.toString());
                // The running agent reloads its tables empty (it still records openings): no element is left.
                String table = ns.exec("nft", "list", "table", "inet", "sacip");
                assertFalse(table.contains("elements"), "flush left elements in our table: " + table);
                assertEquals(0, agent.stop(AgentLaunch.STOP), () -> "exit status after SIGTERM; agent log:\n"
                        + agent.logTail());
            }
        }
    }

    @Test
    void aBadConfigFileIsAOneLineErrorAndExitTwo(@TempDir Path dir) throws Exception {
        Path config = dir.resolve("agent.conf");
        Files.writeString(config, "interfaces = eth0\nkey-idle-keep = forever\n");
        CommandResult result = Commands.run(List.of(AgentLaunch.java(), "-cp", System.getProperty("java.class.path"),
                AgentMain.class.getName(), "--config", config.toString(), "--state-dir", dir.resolve("s").toString(),
                "--control-socket", dir.resolve("c.sock").toString()), Duration.ofSeconds(60));
        assertEquals(2, result.exitCode(), result.toString());
        assertEquals("sacip-agent: " + config + ":2: not a duration: 'forever' (e.g. 90s, 2m, 500ms)",
                result.stderr().strip());
        assertEquals("", result.stdout());
        assertFalse(Files.exists(dir.resolve("s")), "a refused start must change nothing");
    }

    @Test
    void aStateDirectoryOthersCanWriteIsAOneLineErrorAndExitTwoAndStaysAsItWas(@TempDir Path dir) throws Exception {
        Path state = Files.createDirectory(AgentLaunch.state(dir));
        Files.setPosixFilePermissions(state, PosixFilePermissions.fromString("rwxrwxr-x"));
        CommandResult result = runInNamespace(dir);
        assertEquals(2, result.exitCode(), result.toString());
        assertEquals("sacip-agent: the state directory " + state + " is writable by its group (mode 0775); only its "
                + "owner may write to it", lastLine(result.stderr()), result.stderr());
        assertEquals("rwxrwxr-x", PosixFilePermissions.toString(Files.getPosixFilePermissions(state)));
        assertFalse(Files.exists(AgentLaunch.socket(dir).getParent()), "a refused start must change nothing");
    }

    @Test
    void aSocketDirectoryUnderAWorldWritableDirectoryIsExitTwoBeforeAnythingIsSetUp(@TempDir Path dir)
            throws Exception {
        Path run = AgentLaunch.socket(dir).getParent();
        Files.createDirectory(run);
        Files.setPosixFilePermissions(run, PosixFilePermissions.fromString("rwxrwxrwx"));
        try (TestNamespace ns = TestNamespace.create("refuse")) {
            CommandResult result = Commands.run(command(ns, dir), Duration.ofSeconds(60));
            assertEquals(2, result.exitCode(), result.toString());
            assertEquals("sacip-agent: the control socket's directory " + run + " is writable by its group and others "
                    + "(mode 0777); only its owner may write to it", lastLine(result.stderr()), result.stderr());
            assertFalse(Files.exists(AgentLaunch.state(dir)), "a refused start must change nothing");
            assertFalse(ns.exec("nft", "list", "tables").contains("sacip"), "the data path was set up");
        }
    }

    @Test
    void anUnreadableSavedStateIsAOneLineErrorAndTheKernelIsLeftAsItWas(@TempDir Path dir) throws Exception {
        // Read beside the start-up's first netlink work: its failure must still come before any kernel change.
        Path state = Files.createDirectory(AgentLaunch.state(dir));
        Files.setPosixFilePermissions(state, PosixFilePermissions.fromString("rwx------"));
        Path saved = state.resolve("handovers.json");
        Files.writeString(saved, "{\"format\": \"sacip-handovers-2\", \"sessions\": [");
        try (TestNamespace ns = TestNamespace.create("badstate")) {
            String link = ns.addVethPair("g");
            ns.addAddresses(link, "198.18.41.1/24", "2001:db8:41::1/64");
            String rulesBefore = ns.exec("ip", "rule", "list");
            CommandResult result = Commands.run(command(ns, dir), Duration.ofSeconds(60));
            assertEquals(1, result.exitCode(), result.toString());
            String error = lastLine(result.stderr());
            assertEquals("sacip-agent: cannot start: state: " + saved + ": not readable JSON at line 1, column 46: "
                    + "Unexpected end-of-input: expected close marker for Array (start marker at [Source: REDACTED "
                    + "(`StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION` disabled); line: 1, column: 45])", error,
                    result.stderr());
            assertFalse(ns.exec("nft", "list", "tables").contains("sacip"), "the data path was set up");
            assertEquals(rulesBefore, ns.exec("ip", "rule", "list"), "routing rules changed");
            assertEquals("{\"format\": \"sacip-handovers-2\", \"sessions\": [", Files.readString(saved),
                    "the saved state was changed");
        }
    }

    /** The agent in a throwaway namespace (so a start that should have been refused touches no real tables). */
    private static CommandResult runInNamespace(Path dir) throws Exception {
        try (TestNamespace ns = TestNamespace.create("refuse")) {
            return Commands.run(command(ns, dir), Duration.ofSeconds(60));
        }
    }

    private static List<String> command(TestNamespace ns, Path dir) {
        List<String> command = new ArrayList<>(List.of("ip", "netns", "exec", ns.name()));
        command.addAll(AgentLaunch.launcher());
        command.addAll(List.of("--control-socket", AgentLaunch.socket(dir).toString(), "--state-dir",
                AgentLaunch.state(dir).toString()));
        return command;
    }

    /** The error line: the agent logs its start first, then the error and nothing else (no trace). */
    private static String lastLine(String text) {
        assertFalse(text.contains("Exception") || text.contains("\tat "), "a trace reached the operator: " + text);
        List<String> lines = text.strip().lines().toList();
        return lines.get(lines.size() - 1);
    }

    /** The capability set of the JVM: ip netns exec and setpriv exec into it, so the pid is the JVM's. */
    private static String capability(AgentProcess agent, String field) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(agent.pid()), "status"))) {
            if (line.startsWith(field + ":")) {
                return line.substring(field.length() + 1).strip();
            }
        }
        throw new IOException(field + " not in /proc/" + agent.pid() + "/status");
    }
}
