package org.sacip.lab.bench.report;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.sacip.lab.agent.ProjectRoot;

/**
 * docs/BENCHMARKS.md is exactly the rendering of docs/benchmarks/results.json (so neither is edited alone), and
 * every plot it shows is there as a PNG.
 */
class CommittedReportTest {
    private static final byte[] PNG = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
    private final Path docs = ProjectRoot.find().resolve("docs");

    @Test
    void theCommittedReportIsTheRenderingOfTheCommittedResults() throws IOException {
        BenchReport report = ResultsFile.read(docs.resolve(ReportWriter.RESULTS));
        String committed = Files.readString(docs.resolve(ReportWriter.REPORT), StandardCharsets.UTF_8);
        assertEquals(MarkdownReport.render(report), committed,
                "docs/BENCHMARKS.md differs from the rendering of docs/benchmarks/results.json:"
                        + " run bin/sacip-lab bench render");
    }

    @Test
    void everyPlotTheReportShowsIsAPngBesideIt() throws IOException {
        BenchReport report = ResultsFile.read(docs.resolve(ReportWriter.RESULTS));
        String committed = Files.readString(docs.resolve(ReportWriter.REPORT), StandardCharsets.UTF_8);
        int shown = 0;
        for (Section section : report.sections()) {
            if (!MarkdownReport.hasPlot(section)) {
                continue;
            }
            String link = MarkdownReport.PLOT_DIR + "/" + section.plot();
            assertTrue(committed.contains("](" + link + ")"), "the report shows " + link);
            Path plot = docs.resolve(link);
            assertTrue(Files.isRegularFile(plot), plot + " exists");
            byte[] head = Arrays.copyOf(Files.readAllBytes(plot), PNG.length);
            assertArrayEquals(PNG, head, plot + " is a PNG");
            shown++;
        }
        assertTrue(shown > 0, "the committed report shows at least one plot");
    }
}
