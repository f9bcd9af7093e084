package org.sacip.lab.bench.report;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * docs/BENCHMARKS.md from a {@link BenchReport}: the fixed text (resources next to this class), the run's facts, the
 * goals, then each section's figures, plot, notes and commands, and the description of results.json. A pure
 * function of the report: the same results.json always renders to the same bytes.
 */
public final class MarkdownReport {
    /** Where the plots are, relative to BENCHMARKS.md. */
    public static final String PLOT_DIR = "benchmarks";

    private MarkdownReport() {
    }

    public static String render(BenchReport report) {
        StringBuilder md = new StringBuilder();
        md.append(resource("preamble.md"));
        if (report.quick()) {
            md.append("\n> **This is a quick run** (`bench --quick`: a handful of moves and trials, small session"
                    + " counts), not the full report: its figures show that the pipeline works, not how SACIP"
                    + " performs, and most goals are not measured at their sizes.\n");
        }
        environment(md, report);
        goals(md, report.goals());
        for (Section section : report.sections()) {
            section(md, section);
        }
        md.append('\n').append(resource("programs.md"));
        md.append('\n').append(resource("model.md"));
        return md.toString();
    }

    /** Whether the section has a plot: it names one and has a figure in ms with a value. */
    public static boolean hasPlot(Section section) {
        return section.plot() != null && !Plots.plotted(section).isEmpty();
    }

    private static void environment(StringBuilder md, BenchReport report) {
        RunEnvironment e = report.environment();
        md.append("\n## This run\n\n");
        md.append("| fact | value |\n| --- | --- |\n");
        row(md, "commit", "`" + e.commit() + "`" + (e.dirty() ? " (work tree had uncommitted changes)" : ""));
        row(md, "started", e.startedAt() + ", took " + e.durationSeconds() + " s");
        row(md, "kernel (`uname -r`)", e.kernel());
        row(md, "JDK", e.jdk());
        row(md, "CPUs", Integer.toString(e.cpus()));
        row(md, "load average at start (1, 5, 15 min)", e.loadAtStart());
        if (e.rtt() != null) {
            row(md, "lab RTT A -> B -> A", String.format(Locale.ROOT,
                    "median %.3f ms, p90 %.3f ms, max %.3f ms (%d samples: `%s`)", e.rtt().medianMicros() / 1000.0,
                    e.rtt().p90Micros() / 1000.0, e.rtt().maxMicros() / 1000.0, e.rtt().samples(), e.rtt().method()));
        }
        md.append("\nCommands:\n\n```sh\n");
        report.commands().forEach(c -> md.append(c).append('\n'));
        md.append("```\n");
        if (e.rtt() != null && e.rtt().medianMicros() > 0) {
            md.append("\nNo other RTT can be emulated here (this kernel has neither netem nor fq), so a time can be"
                    + " read in round trips of this lab: ").append(String.format(Locale.ROOT,
                            "1 ms is %.0f RTTs.", 1000.0 / e.rtt().medianMicros())).append('\n');
        }
    }

    private static void goals(StringBuilder md, List<Goal> goals) {
        md.append("\n## Goals\n\n| goal | status | measured | what limits it |\n| --- | --- | --- | --- |\n");
        for (Goal g : goals) {
            md.append("| ").append(cell(g.text())).append(" | ").append(g.status() == Goal.Status.MET ? "met"
                    : "**" + g.status().shown() + "**").append(" | ").append(cell(g.measured())).append(" | ")
                    .append(g.limit() == null ? "" : cell(g.limit())).append(" |\n");
        }
    }

    private static void section(StringBuilder md, Section s) {
        md.append("\n## ").append(s.title()).append("\n\n").append(s.text()).append('\n');
        List<Figure> distributions = new ArrayList<>();
        List<Figure> survivals = new ArrayList<>();
        List<Figure> singles = new ArrayList<>();
        for (Figure f : s.figures()) {
            if (f.unit() == Unit.SURVIVED) {
                survivals.add(f);
            } else if (f.values().size() == 1) {
                singles.add(f);
            } else {
                distributions.add(f);
            }
        }
        if (!distributions.isEmpty()) {
            md.append("\n| figure | unit | count | median | p90 | p99 | max | missing |\n"
                    + "| --- | --- | --- | --- | --- | --- | --- | --- |\n");
            for (Figure f : distributions) {
                Unit u = f.unit();
                md.append("| ").append(cell(f.label())).append(" | ").append(u.shown()).append(" | ")
                        .append(f.sorted().size()).append(" | ").append(u.format(f.percentile(50))).append(" | ")
                        .append(u.format(f.percentile(90))).append(" | ").append(u.format(f.percentile(99)))
                        .append(" | ").append(u.format(f.max())).append(" | ").append(f.missing()).append(" |\n");
            }
        }
        if (!survivals.isEmpty()) {
            md.append("\n| case | survived |\n| --- | --- |\n");
            for (Figure f : survivals) {
                md.append("| ").append(cell(f.label())).append(" | ").append(f.survived()).append(" of ")
                        .append(f.values().size()).append(" |\n");
            }
        }
        if (!singles.isEmpty()) {
            md.append("\n| figure | value | note |\n| --- | --- | --- |\n");
            for (Figure f : singles) {
                md.append("| ").append(cell(f.label())).append(" | ").append(f.unit().format(f.values().get(0)))
                        .append(f.unit().shown().isEmpty() ? "" : " " + f.unit().shown()).append(" | ")
                        .append(f.note() == null ? "" : cell(f.note())).append(" |\n");
            }
        }
        if (hasPlot(s)) {
            md.append("\n![").append(s.title()).append("](").append(PLOT_DIR).append('/').append(s.plot())
                    .append(")\n");
        }
        if (!distributions.isEmpty()) {
            md.append("\nPer-trial values, in order:\n\n");
            for (Figure f : distributions) {
                md.append("- ").append(f.label()).append(" (").append(f.unit().shown()).append("): ");
                List<String> values = new ArrayList<>();
                f.values().forEach(v -> values.add(f.unit().format(v)));
                md.append(String.join(" ", values)).append('\n');
            }
        }
        if (!s.notes().isEmpty()) {
            md.append('\n');
            s.notes().forEach(n -> md.append("- ").append(n).append('\n'));
        }
        if (!s.commands().isEmpty()) {
            md.append("\nExact commands (host: command):\n\n```sh\n");
            s.commands().forEach(c -> md.append(c).append('\n'));
            md.append("```\n");
        }
    }

    private static void row(StringBuilder md, String name, String value) {
        md.append("| ").append(name).append(" | ").append(cell(value)).append(" |\n");
    }

    private static String cell(String text) {
        return text.replace("|", "\\|").replace("\n", " ");
    }

    private static String resource(String name) {
        try (InputStream in = MarkdownReport.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + name + " next to " + MarkdownReport.class);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read resource " + name + ": " + e.getMessage(), e);
        }
    }
}
