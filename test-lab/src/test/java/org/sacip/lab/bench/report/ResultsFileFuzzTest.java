package org.sacip.lab.bench.report;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;

/**
 * results.json on any bytes: a report (which then renders) or a typed refusal, nothing else. Seeds are a quick run's
 * results and broken variants of it; JAZZER_FUZZ=1 fuzzes.
 */
class ResultsFileFuzzTest {
    @FuzzTest(maxDuration = "120s")
    void resultsParseToAReportOrATypedRefusal(byte[] input) {
        BenchReport report;
        try {
            report = ResultsFile.parse(new String(input, StandardCharsets.UTF_8), "fuzz input");
        } catch (ReportFileException expected) {
            return;
        }
        MarkdownReport.render(report);
    }
}
