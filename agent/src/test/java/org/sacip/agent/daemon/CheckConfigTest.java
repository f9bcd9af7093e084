package org.sacip.agent.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sacip.commands.CommandResult;
import org.sacip.commands.Commands;
import org.sacip.netlink.testing.TestNamespace;

/**
 * {@code sacip-agent --check-config FILE} as a process, in a throwaway namespace with the agent's capabilities: it
 * reads the file and nothing else (no state directory, no control socket, no nft table), exits 0 when the file is
 * valid and 2 with exactly one {@code FILE:LINE: reason} line per problem otherwise.
 */
class CheckConfigTest {
    private static final Duration LIMIT = Duration.ofSeconds(60);

    @Test
    void aValidFileExitsZeroSilentlyAndTouchesNothing(@TempDir Path dir) throws Exception {
        Path config = dir.resolve("agent.conf");
        Files.writeString(config, "interfaces = veth0\nlog-level = debug\nkey-idle-keep = 30m\n");
        try (TestNamespace ns = TestNamespace.create("check")) {
            CommandResult result = Commands.run(command(ns, dir, config), LIMIT);
            assertEquals(0, result.exitCode(), result.toString());
            assertEquals("", result.stdout() + result.stderr());
            assertNothingTouched(ns, dir);
        }
    }

    @Test
    void aBadFileExitsTwoWithOneLinePerProblemAndTouchesNothing(@TempDir Path dir) throws Exception {
        Path config = dir.resolve("agent.conf");
        Files.write(config, concat("log-level = loud\ncolour = red\nmax-keys = 10\nmax-keys = 20\n",
                new byte[] {'p', 'e', 'e', 'r', 's', ' ', '=', ' ', (byte) 0xc3, '\n'}, "hello-rate = 5\n"));
        try (TestNamespace ns = TestNamespace.create("check")) {
            CommandResult result = Commands.run(command(ns, dir, config), LIMIT);
            assertEquals(2, result.exitCode(), result.toString());
            assertEquals(List.of(
                    config + ":1: log level must be one of error, warn, info, debug, trace; got 'loud'",
                    config + ":2: unknown key 'colour' (known: " + String.join(", ", ConfigFile.KNOWN_KEYS) + ")",
                    config + ":4: 'max-keys' is given twice (first on line 3)",
                    config + ":5: not UTF-8 text (byte 0xc3 at column 9)"), result.stderr().lines().toList());
            assertEquals("", result.stdout());
            assertNothingTouched(ns, dir);
        }
    }

    @Test
    void aMissingFileIsOneLineAndExitTwo(@TempDir Path dir) throws Exception {
        Path config = dir.resolve("absent.conf");
        try (TestNamespace ns = TestNamespace.create("check")) {
            CommandResult result = Commands.run(command(ns, dir, config), LIMIT);
            assertEquals(2, result.exitCode(), result.toString());
            assertEquals("cannot read config " + config + ": no such file", result.stderr().strip());
            assertNothingTouched(ns, dir);
        }
    }

    private static void assertNothingTouched(TestNamespace ns, Path dir) throws Exception {
        assertFalse(Files.exists(AgentLaunch.state(dir)), "--check-config made the state directory");
        assertFalse(Files.exists(AgentLaunch.socket(dir).getParent()), "--check-config made the socket directory");
        assertEquals("", ns.exec("nft", "list", "tables").strip(), "--check-config set up nftables");
    }

    private static List<String> command(TestNamespace ns, Path dir, Path config) {
        List<String> command = new ArrayList<>(List.of("ip", "netns", "exec", ns.name()));
        command.addAll(AgentLaunch.launcher());
        command.addAll(List.of("--control-socket", AgentLaunch.socket(dir).toString(), "--state-dir",
                AgentLaunch.state(dir).toString(), "--check-config", config.toString()));
        return command;
    }

    private static byte[] concat(String head, byte[] middle, String tail) {
        byte[] a = head.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        byte[] c = tail.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        byte[] all = new byte[a.length + middle.length + c.length];
        System.arraycopy(a, 0, all, 0, a.length);
        System.arraycopy(middle, 0, all, a.length, middle.length);
        System.arraycopy(c, 0, all, a.length + middle.length, c.length);
        return all;
    }
}
