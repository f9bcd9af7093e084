package org.sacip.lab.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.sacip.lab.LabException;
import org.sacip.lab.agent.ProjectRoot;
import org.sacip.lab.bench.report.BenchReport;
import org.sacip.lab.bench.report.ReportFileException;
import org.sacip.lab.bench.report.ReportWriter;
import org.sacip.lab.bench.report.ResultsFile;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** Renders BENCHMARKS.md and the plots from an existing results.json: no lab, no root needed. */
@Command(name = "render", mixinStandardHelpOptions = true,
        description = "Render BENCHMARKS.md and the plots from an existing results.json.")
public final class BenchRenderCommand implements Callable<Integer> {
    @Option(names = "--results", paramLabel = "FILE",
            description = "the results (default: docs/benchmarks/results.json of the checkout)")
    Path results;

    @Option(names = "--out", paramLabel = "DIR", description = "write BENCHMARKS.md and benchmarks/*.png here"
            + " (default: docs/ of the checkout)")
    Path out;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        Path docs = ProjectRoot.find().resolve("docs");
        Path file = results != null ? results : docs.resolve(ReportWriter.RESULTS);
        BenchReport report;
        try {
            report = ResultsFile.read(file);
        } catch (ReportFileException e) {
            // The input is the user's: a missing, unreadable or foreign file is a bad argument.
            throw new UsageException(e.getMessage());
        }
        List<Path> written;
        try {
            written = ReportWriter.render(report, out != null ? out : docs);
        } catch (ReportFileException e) {
            throw new LabException(e.getMessage(), e);
        }
        PrintWriter stdout = spec.commandLine().getOut();
        written.forEach(p -> stdout.println("wrote " + p));
        stdout.flush();
        return 0;
    }
}
