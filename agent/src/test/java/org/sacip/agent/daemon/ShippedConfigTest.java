package org.sacip.agent.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The config file the package installs as /etc/sacip/agent.conf ({@code agent/src/main/config/agent.conf}) and the
 * config section of docs/AGENT.md cover every key the parser accepts, and the values the shipped file shows are the
 * real defaults: a file with all of them set means exactly what an empty file means.
 */
class ShippedConfigTest {
    /** A commented-out setting: {@code #key = value}, perhaps followed by {@code # example}. */
    private static final Pattern SETTING = Pattern.compile("#([a-z][a-z-]*) = ([^#]*?)\\s*(#\\s*example)?");
    private static final Path MODULE = Path.of("").toAbsolutePath();
    private static final Path SHIPPED = MODULE.resolve("src/main/config/agent.conf");
    private static final Path DOCS = MODULE.getParent().resolve("docs/AGENT.md");

    @Test
    void theShippedFilePassesCheckConfig() {
        PrintStream err = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        int status;
        try {
            System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
            status = AgentMain.run(new String[] {"--check-config", SHIPPED.toString()});
        } finally {
            System.setErr(err);
        }
        assertEquals(0, status, () -> captured.toString(StandardCharsets.UTF_8));
        assertEquals("", captured.toString(StandardCharsets.UTF_8));
    }

    @Test
    void theShippedFileShowsEveryKeyTheParserAcceptsOnce() throws IOException {
        List<String> shown = settings().stream().map(Setting::key).toList();
        assertEquals(ConfigFile.KNOWN_KEYS.stream().sorted().toList(), shown.stream().sorted().toList(),
                "keys shown commented out in " + SHIPPED + " (each once) against the keys the parser accepts");
    }

    @Test
    void theValuesTheShippedFileShowsAreTheDefaults() throws Exception {
        String defaults = settings().stream().filter(setting -> !setting.example())
                .map(setting -> setting.key() + " = " + setting.value()).collect(Collectors.joining("\n"));
        assertEquals(AgentConfig.defaults(), ConfigFile.parse("defaults", defaults), defaults);
        // The examples are valid values too (someone will uncomment them).
        String everything = settings().stream().map(setting -> setting.key() + " = " + setting.value())
                .collect(Collectors.joining("\n"));
        ConfigFile.parse("everything", everything);
    }

    @Test
    void everySettingIsExplainedByTheCommentAboveIt() throws IOException {
        List<String> lines = Files.readAllLines(SHIPPED, StandardCharsets.UTF_8);
        for (int i = 0; i < lines.size(); i++) {
            if (SETTING.matcher(lines.get(i)).matches()) {
                String above = i > 0 ? lines.get(i - 1) : "";
                assertTrue(above.startsWith("# ") && above.length() > 10,
                        SHIPPED + ":" + (i + 1) + ": no explanation above " + lines.get(i));
            }
        }
    }

    @Test
    void docsAgentMdDocumentsEveryKey() throws IOException {
        String docs = Files.readString(DOCS, StandardCharsets.UTF_8);
        List<String> missing = new ArrayList<>();
        for (String key : ConfigFile.KNOWN_KEYS) {
            if (!docs.contains("\n| `" + key + "` |")) {
                missing.add(key);
            }
        }
        assertEquals(List.of(), missing, "keys without a row in the config table of " + DOCS);
    }

    private record Setting(String key, String value, boolean example) {
    }

    private static List<Setting> settings() throws IOException {
        List<Setting> settings = new ArrayList<>();
        for (String line : Files.readAllLines(SHIPPED, StandardCharsets.UTF_8)) {
            Matcher matcher = SETTING.matcher(line);
            if (matcher.matches()) {
                settings.add(new Setting(matcher.group(1), matcher.group(2), matcher.group(3) != null));
            }
        }
        return settings;
    }
}
