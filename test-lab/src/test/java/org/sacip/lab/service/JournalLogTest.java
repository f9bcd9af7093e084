package org.sacip.lab.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sacip.lab.Lab;
import org.sacip.lab.topology.Family;
import org.sacip.lab.topology.TopologyBuilder;
import org.sacip.lab.topology.TopologyKind;

/**
 * bin/sacip-agent's log lines as the journal wants them: when JOURNAL_STREAM names the very file its standard error
 * goes to (as systemd names the journal's stream), every line starts with a syslog priority and carries no time;
 * when it names something else (a process whose stderr was redirected inherits the variable), lines are plain, with
 * time and level, as on a terminal.
 */
class JournalLogTest {
    private static final Duration READY_LIMIT = Duration.ofSeconds(60);

    @Test
    void withJournalStreamNamingStderrEveryLineHasItsPriorityAndNoTime() throws Exception {
        try (Lab lab = new Lab()) {
            TopologyBuilder.build(lab, TopologyKind.ROAMING, Family.IPV4);
            Path log = emptyLog(lab);
            ServiceAgent a = ServiceAgent.start(lab, "a", "log-level = debug\n", Map.of("JOURNAL_STREAM",
                    devIno(log)));
            a.process().awaitReady(READY_LIMIT);
            // An error line too: a reload of a bad file.
            a.writeConfig("max-keys = lots\n");
            a.reload();
            a.awaitLogLine("has 1 problem(s)", READY_LIMIT);
            assertEquals(0, a.process().stop(ServiceAgent.STOP_LIMIT), a.process().logTail());

            List<String> lines = Files.readAllLines(log);
            List<String> unprefixed = lines.stream().filter(line -> !line.matches("<[3467]>\\S.*")).toList();
            assertEquals(List.of(), unprefixed, "lines without a priority prefix, of:\n" + String.join("\n", lines));
            assertTrue(lines.contains("<6>AgentMain: sacip-agent 0.1.0 starting (pid " + a.pid() + ")"),
                    String.join("\n", lines));
            assertTrue(lines.stream().anyMatch(line -> line.startsWith("<7>")), "no debug line at log level debug");
            assertTrue(lines.contains("<3>ConfigReload: reload refused: " + a.config() + ":1: not a number: 'lots'"),
                    String.join("\n", lines));
            assertTrue(lines.contains("<6>AgentMain: stopping; remapped sessions keep working"),
                    String.join("\n", lines));
            assertFalse(lines.stream().anyMatch(line -> line.matches(".*\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d.*")),
                    "a line with a time stamp: " + lines);
        }
    }

    @Test
    void aConfigErrorAtStartIsAnErrorInTheJournal() throws Exception {
        try (Lab lab = new Lab()) {
            TopologyBuilder.build(lab, TopologyKind.ROAMING, Family.IPV4);
            Path log = emptyLog(lab);
            ServiceAgent a = ServiceAgent.start(lab, "a", "hello-rate = fast\n", Map.of("JOURNAL_STREAM",
                    devIno(log)));
            assertEquals(2, a.process().awaitExit(READY_LIMIT), a.process().logTail());
            assertEquals(List.of("<3>sacip-agent: " + a.config() + ":1: not a number: 'fast'"),
                    Files.readAllLines(log));
        }
    }

    @Test
    void withJournalStreamNamingAnotherFileLinesArePlain(@TempDir Path dir) throws Exception {
        Path elsewhere = Files.writeString(dir.resolve("not-the-journal"), "");
        try (Lab lab = new Lab()) {
            TopologyBuilder.build(lab, TopologyKind.ROAMING, Family.IPV4);
            Path log = emptyLog(lab);
            ServiceAgent a = ServiceAgent.start(lab, "a", "", Map.of("JOURNAL_STREAM", devIno(elsewhere)));
            a.process().awaitReady(READY_LIMIT);
            assertEquals(0, a.process().stop(ServiceAgent.STOP_LIMIT), a.process().logTail());

            List<String> lines = Files.readAllLines(log);
            String starting = "INFO  AgentMain: sacip-agent 0.1.0 starting (pid " + a.pid() + ")";
            assertTrue(lines.stream().anyMatch(line -> line.matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}"
                    + "(Z|[+-]\\d\\d:\\d\\d) " + java.util.regex.Pattern.quote(starting))), String.join("\n", lines));
            assertFalse(lines.stream().anyMatch(line -> line.startsWith("<")), "a priority prefix: " + lines);
        }
    }

    /** The agent's log file, made empty now so its device and inode can be named before the agent starts. */
    private static Path emptyLog(Lab lab) throws IOException {
        Path log = ServiceAgent.logOf(lab, "a");
        Files.createDirectories(log.getParent());
        return Files.writeString(log, "");
    }

    /** DEV:INO as systemd writes JOURNAL_STREAM (st_dev and st_ino in decimal). */
    private static String devIno(Path file) throws IOException {
        Map<String, Object> stat = Files.readAttributes(file, "unix:dev,ino");
        return stat.get("dev") + ":" + stat.get("ino");
    }
}
