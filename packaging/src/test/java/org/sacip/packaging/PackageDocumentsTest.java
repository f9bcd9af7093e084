package org.sacip.packaging;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sacip.agent.daemon.AgentMain;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

/** The documents the package build writes: gzip as Debian wants it, and a man page that lists every agent option. */
class PackageDocumentsTest {

    @Test
    void gzipIsReadableAndFlaggedAsGzipDashNineN(@TempDir Path dir) throws Exception {
        byte[] content = ".TH TEST 8\n.SH NAME\ntest \\- a page\n".repeat(50).getBytes(StandardCharsets.UTF_8);
        Path file = dir.resolve("page.8.gz");
        PackageDocuments.gzip(content, file);
        byte[] written = Files.readAllBytes(file);
        // ID1 ID2, deflate, no flags (no name), MTIME 0, XFL 2 (best compression, lintian checks it), OS 3 (Unix).
        assertArrayEquals(new byte[] {0x1f, (byte) 0x8b, 8, 0, 0, 0, 0, 0, 2, 3}, Arrays.copyOf(written, 10),
                "the gzip header");
        try (InputStream in = new GZIPInputStream(Files.newInputStream(file))) {
            assertArrayEquals(content, in.readAllBytes(), "gunzip gives the content back (CRC and size checked)");
        }
    }

    @Test
    void theAgentsManPageListsEveryOptionOfItsParser() {
        CommandLine commandLine = new CommandLine(new AgentMain());
        String page = AgentManPage.render(commandLine, "9.9.9");
        assertTrue(page.startsWith(".TH SACIP\\-AGENT 8 \"\" \"sacip\\-agent 9.9.9\""), page);
        for (OptionSpec option : commandLine.getCommandSpec().options()) {
            String name = "\\fB" + option.longestName().replace("-", "\\-") + "\\fR";
            assertTrue(page.contains(name), "the man page documents " + option.longestName() + ":\n" + page);
        }
        assertTrue(page.contains("/run/sacip/agent.sock") && !page.contains("${DEFAULT-VALUE}"),
                "defaults are written out: " + page);
    }

    @Test
    void theDebianVersionIsJdebs() {
        assertEquals("0.1.0~snapshot", PackageDocuments.debianVersion("0.1.0-SNAPSHOT"));
        assertEquals("0.1.0", PackageDocuments.debianVersion("0.1.0"));
    }
}
