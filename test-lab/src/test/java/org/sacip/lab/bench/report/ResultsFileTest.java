package org.sacip.lab.bench.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** results.json: written and read back unchanged; anything else is refused with a typed reason. */
class ResultsFileTest {
    static BenchReport sample() {
        Figure gap = new Figure("gap.mbb-uplinks.sacip", "make-before-break: SACIP", Unit.MICROS,
                Arrays.asList(2100L, null, 3500L, 2900L), null);
        Figure survived = new Figure("age.mbb.200", "0.2 s old", Unit.SURVIVED, List.of(1L, 1L, 0L), null);
        Figure rss = new Figure("rss.0", "RSS, no session", Unit.KIB, List.of(123_456L), "idle");
        Section section = new Section("gap", "Handover gap", "Some *text*.", List.of(gap, survived, rss), "gap.png",
                List.of("a: ip link set up2 up"), List.of("the stream survived"));
        RunEnvironment environment = new RunEnvironment("abc123", true, "6.1.0", "OpenJDK 17", 2, "0.10 0.20 0.30",
                "2026-01-02T03:04:05Z", 42, new RunEnvironment.Rtt("a: ping", 100, 80, 90, 150));
        Goal goal = new Goal("gap", "max gap <= 10 ms", Goal.Status.NOT_MET, "max 3.5 ms", "JFR: 3 CPU samples");
        return new BenchReport(BenchReport.SCHEMA, BenchReport.VERSION, true, environment,
                List.of("bin/sacip-lab bench --quick"), List.of(section), List.of(goal));
    }

    @Test
    void aReportIsReadBackAsItWasWritten(@TempDir Path dir) {
        Path file = dir.resolve("benchmarks/results.json");
        ResultsFile.write(sample(), file);
        assertEquals(sample(), ResultsFile.read(file));
    }

    @Test
    void renderingShowsFiguresGoalsAndFacts() {
        String md = MarkdownReport.render(sample());
        assertTrue(md.contains("| make-before-break: SACIP | ms | 3 | 2.9 | 3.5 | 3.5 | 3.5 | 1 |"), md);
        assertTrue(md.contains("| 0.2 s old | 2 of 3 |"), md);
        assertTrue(md.contains("| RSS, no session | 120.6 MiB | idle |"), md);
        assertTrue(md.contains("| max gap <= 10 ms | **not met** | max 3.5 ms | JFR: 3 CPU samples |"), md);
        assertTrue(md.contains("`abc123` (work tree had uncommitted changes)"), md);
        assertTrue(md.contains("**This is a quick run**"), md);
        assertTrue(md.contains("![Handover gap](benchmarks/gap.png)"), md);
        assertEquals(md, MarkdownReport.render(sample()), "rendering is a function of the report");
    }

    @Test
    void anotherVersionIsRefused() throws IOException {
        String text = json().replace("\"version\" : 1", "\"version\" : 2");
        ReportFileException e = assertThrows(ReportFileException.class, () -> ResultsFile.parse(text, "x"));
        assertEquals(ReportFileException.Reason.WRONG_VERSION, e.reason());
    }

    @Test
    void unknownOrMissingFieldsAndNonJsonAreMalformed() throws IOException {
        String json = json();
        for (String bad : List.of(json.replace("\"quick\"", "\"quik\""), json.replace("\"label\"", "\"lable\""),
                json.replace("\"MICROS\"", "\"FURLONGS\""), json.replace("\"title\" : \"Handover gap\",", ""),
                json.replace("\"gap.png\"", "\"../../etc/x.png\""), json.substring(0, json.length() / 2), "[]",
                "not json")) {
            ReportFileException e = assertThrows(ReportFileException.class, () -> ResultsFile.parse(bad, "x"), bad);
            assertEquals(ReportFileException.Reason.MALFORMED, e.reason(), bad);
        }
    }

    @Test
    void aMissingFileIsAnIoError(@TempDir Path dir) {
        ReportFileException e = assertThrows(ReportFileException.class,
                () -> ResultsFile.read(dir.resolve("none.json")));
        assertEquals(ReportFileException.Reason.IO, e.reason());
    }

    private static String json() throws IOException {
        Path file = Files.createTempFile("results", ".json");
        try {
            ResultsFile.write(sample(), file);
            return Files.readString(file, StandardCharsets.UTF_8);
        } finally {
            Files.delete(file);
        }
    }
}
