package org.sacip.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sacip.lab.agent.ProjectRoot;
import org.sacip.lab.bench.report.BenchReport;
import org.sacip.lab.bench.report.Figure;
import org.sacip.lab.bench.report.Goal;
import org.sacip.lab.bench.report.MarkdownReport;
import org.sacip.lab.bench.report.ReportWriter;
import org.sacip.lab.bench.report.ResultsFile;
import org.sacip.lab.bench.report.Section;
import org.sacip.lab.cli.LabCli;

/**
 * bin/sacip-lab bench: bad arguments give one line and exit 2; {@code bench --quick} runs every kind of case end to
 * end (real agents, MPTCP, real labs) into a temporary directory, and what it writes parses and renders. Nothing
 * about speed is asserted: the figures are the report's business.
 */
class BenchCliTest {
    private record Outcome(int code, String out, String err) {
    }

    private static Outcome cli(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = LabCli.execute(args, new PrintWriter(out, true), new PrintWriter(err, true));
        return new Outcome(code, out.toString(), err.toString());
    }

    @Test
    void badArgumentsGiveOneLineAndExitTwo(@TempDir Path dir) throws IOException {
        Path notJson = Files.writeString(dir.resolve("results.json"), "{\"schema\":\"sacip-bench\",\"version\":7}");
        String docs = ProjectRoot.find().resolve("docs").toString();
        for (String[] args : List.of(new String[] {"bench", "--cases", "gap,nope"},
                new String[] {"bench", "--quick", "--out", docs}, new String[] {"bench", "--quik"},
                new String[] {"bench", "render", "--results", dir.resolve("missing.json").toString()},
                new String[] {"bench", "render", "--results", notJson.toString(), "--out", dir.toString()},
                new String[] {"bench", "render", "extra"})) {
            Outcome o = cli(args);
            assertEquals(2, o.code(), String.join(" ", args) + ": " + o.err());
            assertEquals(1, o.err().strip().lines().count(), String.join(" ", args) + ": " + o.err());
            assertTrue(o.err().startsWith("sacip-lab: "), o.err());
            assertFalse(o.err().contains("Exception") || o.err().contains("\tat "), o.err());
        }
    }

    @Test
    void aQuickRunWritesResultsThatParseAndRender(@TempDir Path dir) throws IOException {
        Outcome o = cli("bench", "--quick", "--out", dir.toString());
        assertEquals(0, o.code(), o.err());
        BenchReport report = ResultsFile.read(dir.resolve(ReportWriter.RESULTS));
        assertTrue(report.quick(), "a quick run says so");
        assertEquals(List.of(), report.sections().stream().filter(s -> s.id().equals("failures"))
                .flatMap(s -> s.notes().stream()).toList(), "cases that failed");
        // What CI asserts of the figures: survival and zero loss through SACIP's moves, never speed.
        Section gap = report.section("gap");
        for (String labId : List.of("gap-mbb-uplinks-sacip", "gap-mbb-same-link-sacip")) {
            Figure stream = gap.figure("stream." + labId);
            Figure lost = gap.figure("lost." + labId);
            assertTrue(stream != null && lost != null, "the gap section says how the stream of " + labId + " ended");
            assertEquals(List.of(1L), stream.values(), labId + ": the stream survived every move (" + stream.note()
                    + ")");
            assertEquals(List.of(0L), lost.values(), labId + ": bytes lost");
        }
        for (String id : List.of("gap", "ages", "convergence", "datapath", "resources")) {
            Section section = report.section(id);
            assertTrue(section != null && !section.figures().isEmpty(), "section " + id + " has figures");
            for (Figure f : section.figures()) {
                assertFalse(f.sorted().isEmpty(), f.id() + " has values");
            }
        }
        assertTrue(report.goals().stream().anyMatch(g -> g.status() != Goal.Status.NOT_MEASURED),
                "some goal was measured");
        assertFalse(report.environment().commit().isBlank());
        assertTrue(report.environment().rtt().medianMicros() > 0, "the lab's RTT was measured");
        assertEquals(MarkdownReport.render(report), Files.readString(dir.resolve(ReportWriter.REPORT),
                StandardCharsets.UTF_8));
        for (Section section : report.sections()) {
            if (MarkdownReport.hasPlot(section)) {
                assertTrue(Files.size(dir.resolve(MarkdownReport.PLOT_DIR).resolve(section.plot())) > 0,
                        section.plot());
            }
        }
        Path rendered = dir.resolve("again");
        Outcome render = cli("bench", "render", "--results", dir.resolve(ReportWriter.RESULTS).toString(), "--out",
                rendered.toString());
        assertEquals(0, render.code(), render.err());
        assertEquals(Files.readString(dir.resolve(ReportWriter.REPORT)),
                Files.readString(rendered.resolve(ReportWriter.REPORT)), "render gives the run's report again");
    }
}
