package org.sacip.agent.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Which keys a reload sees changed: by value, for every key the parser accepts. */
class ConfigChangesTest {

    @Test
    void everyKeyTheParserAcceptsIsCompared() {
        assertEquals(ConfigFile.KNOWN_KEYS, List.copyOf(ConfigChanges.VALUES.keySet()));
    }

    @Test
    void changedKeysAreNamedInFileOrderAndEqualValuesAreNoChange() throws Exception {
        AgentConfig running = ConfigFile.parse("a", "key-idle-keep = 2h\nlog-level = info\n");
        AgentConfig read = ConfigFile.parse("b", "key-idle-keep = 120m\nlog-level = debug\npeers = 198.18.0.0/15\n"
                + "source-route-tables = 5000-5099\n");
        assertEquals(List.of("peers", "log-level", "source-route-tables"), ConfigChanges.between(running, read));
        assertEquals(List.of(), ConfigChanges.between(running, ConfigFile.parse("c", "")));
    }

    @Test
    void valuesAreWrittenAsTheFileWritesThem() throws Exception {
        AgentConfig config = ConfigFile.parse("a", """
                interfaces = wlan0 eth0
                peers = 198.18.0.0/15, 2001:db8::/32
                key-idle-keep = 90m
                mark-mask = 0x00F00000
                source-route-tables = 5000-5099
                """);
        assertEquals("eth0 wlan0", text(config, "interfaces"));
        assertEquals("198.18.0.0/15 2001:db8::/32", text(config, "peers"));
        assertEquals("all", text(config, "prefixes"));
        assertEquals("none", text(config, "control-group"));
        assertEquals("90m", text(config, "key-idle-keep"));
        assertEquals("2h", text(AgentConfig.defaults(), "key-idle-keep"));
        assertEquals("0x00f00000", text(config, "mark-mask"));
        assertEquals("5000-5099", text(config, "source-route-tables"));
        assertEquals("no", text(config, "close-legacy-sessions"));
        assertEquals("4253", text(config, "udp-port"));
    }

    private static String text(AgentConfig config, String key) {
        return ConfigReload.text(ConfigChanges.VALUES.get(key).apply(config));
    }

    @Test
    void eachKeyAloneIsSeen() throws Exception {
        String[] lines = {"interfaces = eth9", "prefixes = 198.18.0.0/16", "peers = 198.18.0.0/16",
            "close-legacy-sessions = yes", "control-group = sacip", "log-level = warn", "max-keys = 1000",
            "max-keys-per-prefix = 3", "key-idle-keep = 5m", "hello-rate = 9", "handshake-rate = 9",
            "handshake-rate-per-prefix = 9", "mark-mask = 0x00f00000", "nflog-group = 7",
            "source-route-tables = 5000-5099", "source-route-priority = 30000", "metrics = on",
            "metrics-listen = 127.0.0.1:9999", "udp-port = off", "udp-keepalive = 10s"};
        for (String line : lines) {
            String key = line.substring(0, line.indexOf(' '));
            assertEquals(List.of(key), ConfigChanges.between(AgentConfig.defaults(), ConfigFile.parse("x", line)),
                    line);
        }
        assertEquals(ConfigFile.KNOWN_KEYS.size(), lines.length, "a line for every key");
    }
}
