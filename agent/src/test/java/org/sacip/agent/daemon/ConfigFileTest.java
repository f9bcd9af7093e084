package org.sacip.agent.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.sacip.agent.route.SourceRouteSettings;

class ConfigFileTest {

    @Test
    void readsEveryKey() throws Exception {
        AgentConfig config = ConfigFile.parse("agent.conf", """
                # SACIP agent
                interfaces = eth0, wlan0
                prefixes = 198.18.0.0/15 2001:db8::/32   # lab only
                peers = 198.19.0.0/16
                max-keys = 100
                key-idle-keep = 30m
                mark-mask = 0x00f00000
                source-route-tables = 5000-5099
                source-route-priority = 30000
                close-legacy-sessions = yes
                control-group = sacip
                log-level = DEBUG
                """);
        assertEquals(Set.of("eth0", "wlan0"), config.scope().interfaces());
        assertTrue(config.scope().managesAddress(InetAddress.getByName("198.18.3.4")));
        assertFalse(config.scope().managesAddress(InetAddress.getByName("192.0.2.1")));
        assertTrue(config.managesPeer(InetAddress.getByName("198.19.0.9")));
        assertFalse(config.managesPeer(InetAddress.getByName("198.18.0.9")));
        assertEquals(100, config.limits().maxKeys());
        assertEquals(Duration.ofMinutes(30), config.limits().keyIdleKeep());
        assertEquals(0x00100000L, config.dataPath().firstReplyMark());
        assertEquals(new SourceRouteSettings(5000, 5099, 30000), config.sourceRoutes());
        assertEquals(30001, config.sourceRoutes().sourcePriority());
        assertTrue(config.closeLegacySessions());
        assertEquals(Optional.of("sacip"), config.controlGroup());
        assertEquals("debug", config.logLevel());
    }

    @Test
    void emptyFileMeansTheDefaults() throws Exception {
        AgentConfig config = ConfigFile.parse("agent.conf", "\n# nothing\n\n");
        assertEquals(AgentConfig.defaults(), config);
        assertTrue(config.managesPeer(InetAddress.getByName("2001:db8::1")));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "interfaces eth0|agent.conf:1: expected 'key = value', got 'interfaces eth0'",
        "colour = red|agent.conf:1: unknown key 'colour'",
        "prefixes = 198.18.0.0/33|agent.conf:1:",
        "peers = not-an-address|agent.conf:1:",
        "interfaces = eth0/1|agent.conf:1: not an interface name",
        "key-idle-keep = soon|agent.conf:1: not a duration: 'soon'",
        "key-idle-keep = 0s|agent.conf:1: duration 0s is outside 1s..24h",
        "udp-idle-timeout = 90s|agent.conf:1: 'udp-idle-timeout' is gone",
        "max-keys = 0|agent.conf:1:",
        "hello-rate = lots|agent.conf:1:",
        "mark-mask = 0x0|agent.conf:1:",
        "mark-mask = 0x00000000|agent.conf:1: the mark mask needs at least one bit",
        "source-route-tables = 10|agent.conf:1: not a table range",
        "source-route-tables = 200-300|agent.conf:1: table range 200-300 includes the kernel's tables",
        "source-route-tables = 900-800|agent.conf:1: table range 900-800 is not a range",
        "source-route-tables = 1-4294967296|agent.conf:1: table range 1-4294967296 is not a range",
        "source-route-priority = 32765|agent.conf:1: 32765 is outside 1..32764",
        "source-route-priority = 0|agent.conf:1: 0 is outside 1..32764",
        "nflog-group = 70000|agent.conf:1:",
        "close-legacy-sessions = maybe|agent.conf:1: expected yes or no, got 'maybe'",
        "control-group = Root Group|agent.conf:1: not a group name",
        "log-level = loud|agent.conf:1: log level must be one of",
        "interfaces =|agent.conf:1: empty list",
        "metrics = sometimes|agent.conf:1: expected yes or no, got 'sometimes'",
        "metrics-listen = 9464|agent.conf:1: metrics-listen: not an address and port like 127.0.0.1:9464",
        "metrics-listen = localhost:9464|agent.conf:1: metrics-listen: not an address and port like 127.0.0.1:9464",
        "metrics-listen = 127.0.0.1:0|agent.conf:1: metrics-listen: port 0 is outside 1..65535",
        "metrics-listen = 127.0.0.1:65536|agent.conf:1: metrics-listen: port 65536 is outside 1..65535",
        "metrics-listen = 300.0.0.1:9464|agent.conf:1: metrics-listen: not an IPv4 address: 300.0.0.1",
        "metrics-listen = [::1::2]:9464|agent.conf:1: metrics-listen: not an address: ::1::2",
        "metrics-listen = ::1:9464|agent.conf:1: metrics-listen: not an address and port like",
        "udp-port = 0|agent.conf:1: udp-port: expected a port 1..65535 or off, got '0'",
        "udp-port = 65536|agent.conf:1: udp-port: expected a port 1..65535 or off, got '65536'",
        "udp-port = no|agent.conf:1: udp-port: expected a port 1..65535 or off, got 'no'",
        "udp-keepalive = 500ms|agent.conf:1: duration 500ms is outside 1s..24h",
        "udp-keepalive = 11m|agent.conf:1: udp-keepalive: 11m is outside 1s..10m",
        "udp-keepalive = often|agent.conf:1: not a duration: 'often'",
    })
    void rejectsBadLinesNamingTheLine(String line, String expected) {
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigFile.parse("agent.conf", line));
        assertTrue(e.getMessage().startsWith(expected), e.getMessage());
    }

    @Test
    void theAgentPortIs4253AndKeepalives25sUnlessSet() throws Exception {
        AgentConfig defaults = ConfigFile.parse("agent.conf", "");
        assertEquals(4253, defaults.udp().port());
        assertEquals(java.time.Duration.ofSeconds(25), defaults.udp().keepaliveInterval());
        assertEquals(5000, ConfigFile.parse("agent.conf", "udp-port = 5000\n").udp().port());
        assertFalse(ConfigFile.parse("agent.conf", "udp-port = off\n").udp().on());
        assertEquals(java.time.Duration.ofSeconds(10),
                ConfigFile.parse("agent.conf", "udp-keepalive = 10s\n").udp().keepaliveInterval());
    }

    @Test
    void metricsAreOffUnlessTurnedOnAndListenOnLoopbackUnlessTold() throws Exception {
        AgentConfig defaults = ConfigFile.parse("agent.conf", "");
        assertFalse(defaults.metrics().enabled());
        AgentConfig on = ConfigFile.parse("agent.conf", "metrics = on\n");
        assertTrue(on.metrics().enabled());
        assertEquals(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 9464), on.metrics().listen());
        AgentConfig v6 = ConfigFile.parse("agent.conf", "metrics = yes\nmetrics-listen = [2001:db8::1]:9100\n");
        assertEquals(new InetSocketAddress(InetAddress.getByName("2001:db8::1"), 9100), v6.metrics().listen());
        AgentConfig v4 = ConfigFile.parse("agent.conf", "metrics-listen = 198.18.0.1:9464\nmetrics = off\n");
        assertFalse(v4.metrics().enabled());
        assertEquals(new InetSocketAddress(InetAddress.getByName("198.18.0.1"), 9464), v4.metrics().listen());
    }

    @Test
    void aKeyGivenTwiceIsAnError() {
        ConfigException e = assertThrows(ConfigException.class,
                () -> ConfigFile.parse("agent.conf", "log-level = info\n\nlog-level = debug\n"));
        assertEquals("agent.conf:3: 'log-level' is given twice (first on line 1)", e.getMessage());
    }

    @Test
    void everyBadLineIsReportedInTheOrderOfTheLines() {
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigFile.parse("agent.conf", """
                colour = red
                log-level = info
                max-keys = many
                log-level = debug
                interfaces eth0
                key-idle-keep = 0s
                """));
        assertEquals(List.of(
                "agent.conf:1: unknown key 'colour' (known: " + String.join(", ", ConfigFile.KNOWN_KEYS) + ")",
                "agent.conf:3: not a number: 'many'",
                "agent.conf:4: 'log-level' is given twice (first on line 2)",
                "agent.conf:5: expected 'key = value', got 'interfaces eth0'",
                "agent.conf:6: duration 0s is outside 1s..24h"), e.problems());
        assertEquals(String.join("\n", e.problems()), e.getMessage());
    }

    @Test
    void bytesThatAreNotUtf8AreAProblemOfTheirLineAndTheOtherLinesAreStillChecked() {
        byte[] file = "log-level = info\nmax-keys = 1\u00e9\n# caf\u00e9 is fine in a comment\n"
                .getBytes(StandardCharsets.UTF_8);
        byte[] garbage = {'p', 'e', 'e', 'r', 's', ' ', '=', ' ', (byte) 0xff, (byte) 0xfe, '\n'};
        byte[] tail = "hello-rate = -1\n".getBytes(StandardCharsets.UTF_8);
        byte[] all = new byte[file.length + garbage.length + tail.length];
        System.arraycopy(file, 0, all, 0, file.length);
        System.arraycopy(garbage, 0, all, file.length, garbage.length);
        System.arraycopy(tail, 0, all, file.length + garbage.length, tail.length);
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigFile.parse("agent.conf", all));
        assertEquals(List.of(
                "agent.conf:2: not a number: '1\u00e9'",
                "agent.conf:4: not UTF-8 text (byte 0xff at column 9)",
                "agent.conf:5: not a number: '-1'"), e.problems());
    }

    @Test
    void aNulByteIsNotEchoed() {
        ConfigException e = assertThrows(ConfigException.class,
                () -> ConfigFile.parse("agent.conf", "log-level = in\u0000fo\n".getBytes(StandardCharsets.UTF_8)));
        assertEquals(List.of("agent.conf:1: log level must be one of error, warn, info, debug, trace; got 'in?fo'"),
                e.problems());
    }

    @Test
    void controlCharactersInValuesOtherParsersQuoteAreNotEchoed() {
        ConfigException e = assertThrows(ConfigException.class,
                () -> ConfigFile.parse("agent.conf", "peers = \u001a198.18.0.0/15 \u009b2001:db8::/32\n"));
        assertEquals("agent.conf:1: not a numeric address in '?198.18.0.0/15'", e.getMessage());
    }

    @Test
    void controlCharactersAreNotEchoed() {
        ConfigException e = assertThrows(ConfigException.class,
                () -> ConfigFile.parse("agent.conf", "log-level = \u001b[31mred"));
        assertFalse(e.getMessage().contains("\u001b"), e.getMessage());
    }

    @Test
    void missingAndOversizedFilesAreClearErrors(@TempDir Path dir) throws Exception {
        ConfigException missing = assertThrows(ConfigException.class, () -> ConfigFile.read(dir.resolve("none")));
        assertTrue(missing.getMessage().endsWith("no such file"), missing.getMessage());
        Path big = dir.resolve("big.conf");
        Files.write(big, new byte[70_000]);
        ConfigException oversized = assertThrows(ConfigException.class, () -> ConfigFile.read(big));
        assertTrue(oversized.getMessage().contains("not a SACIP config file"), oversized.getMessage());
    }
}
