package org.sacip.lab.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.sacip.lab.LabException;
import org.sacip.lab.agent.ProjectRoot;
import org.sacip.lab.bench.BenchRun;
import org.sacip.lab.bench.report.BenchReport;
import org.sacip.lab.bench.report.ReportFileException;
import org.sacip.lab.bench.report.ReportWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Runs the benchmark cases and writes docs/benchmarks/results.json, docs/BENCHMARKS.md and the plots; with --quick a
 * reduced set into a temporary directory (or --out), never over the committed report.
 */
@Command(name = "bench", mixinStandardHelpOptions = true, subcommands = BenchRenderCommand.class,
        description = "Run the benchmarks and write the report (docs/BENCHMARKS.md, docs/benchmarks/).")
public final class BenchCommand implements Callable<Integer> {
    @Option(names = "--quick", description = "a handful of moves and trials, small session counts; writes to a"
            + " temporary directory unless --out is given")
    boolean quick;

    @Option(names = "--out", paramLabel = "DIR", description = "write BENCHMARKS.md and benchmarks/ here"
            + " (default: docs/ of the checkout; with --quick a new temporary directory)")
    Path out;

    @Option(names = "--cases", split = ",", paramLabel = "GROUP", description = "only these groups: gap, ages,"
            + " convergence, datapath, idle (default: all)")
    List<String> cases;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        List<String> groups = cases == null ? BenchRun.groups() : List.copyOf(cases);
        for (String group : groups) {
            if (!BenchRun.groups().contains(group)) {
                throw new UsageException("unknown case group '" + group + "' (choose from "
                        + String.join(", ", BenchRun.groups()) + ")");
            }
        }
        Path root = ProjectRoot.find();
        Path committed = root.resolve("docs").toAbsolutePath().normalize();
        Path dir;
        if (out != null) {
            dir = out.toAbsolutePath().normalize();
            if (quick && dir.equals(committed)) {
                throw new UsageException("--quick never writes over the committed report in " + committed
                        + "; choose another --out");
            }
            if (Files.exists(dir) && !Files.isDirectory(dir)) {
                throw new UsageException("--out " + dir + " is not a directory");
            }
        } else {
            dir = quick ? Files.createTempDirectory("sacip-bench-") : committed;
        }
        PrintWriter stdout = spec.commandLine().getOut();
        PrintStream progress = new PrintStream(new WriterOutputStream(spec.commandLine().getErr()), true,
                StandardCharsets.UTF_8);
        List<String> commands = new ArrayList<>();
        commands.add("bin/sacip-lab " + String.join(" ", spec.commandLine().getParseResult().originalArgs()));
        BenchReport report = BenchRun.run(root, quick, groups, commands, progress);
        try {
            ReportWriter.writeAll(report, dir);
        } catch (ReportFileException e) {
            throw new LabException(e.getMessage(), e);
        }
        stdout.println("report: " + dir.resolve(ReportWriter.REPORT));
        stdout.println("results: " + dir.resolve(ReportWriter.RESULTS));
        stdout.flush();
        return 0;
    }
}
