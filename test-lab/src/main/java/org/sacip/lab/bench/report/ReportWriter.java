package org.sacip.lab.bench.report;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Writes a report into a directory laid out as docs/: DIR/BENCHMARKS.md, and the plots in DIR/benchmarks/ (where
 * results.json lives too).
 */
public final class ReportWriter {
    public static final String REPORT = "BENCHMARKS.md";
    public static final String RESULTS = MarkdownReport.PLOT_DIR + "/results.json";

    private ReportWriter() {
    }

    /** results.json, then the rendering of it. */
    public static void writeAll(BenchReport report, Path dir) {
        ResultsFile.write(report, dir.resolve(RESULTS));
        render(report, dir);
    }

    /** BENCHMARKS.md and the plots; returns the files written. */
    public static List<Path> render(BenchReport report, Path dir) {
        Path markdown = dir.resolve(REPORT);
        try {
            Files.createDirectories(dir);
            Files.writeString(markdown, MarkdownReport.render(report), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new ReportFileException(ReportFileException.Reason.IO, "cannot write " + markdown + ": "
                    + e.getMessage(), e);
        }
        List<Path> plots = Plots.write(report, dir.resolve(MarkdownReport.PLOT_DIR));
        return java.util.stream.Stream.concat(java.util.stream.Stream.of(markdown), plots.stream()).toList();
    }
}
