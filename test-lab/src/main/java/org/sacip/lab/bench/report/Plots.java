package org.sacip.lab.bench.report;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.BoxChart;
import org.knowm.xchart.BoxChartBuilder;

/**
 * The report's plots, one PNG per section that names one: a box per figure in ms (median, quartiles, whiskers),
 * on a log scale when the values span more than a factor of 20. Rendered headless (no display needed: fonts come
 * from fontconfig, which bin/lib/bootstrap.sh installs with a font).
 */
public final class Plots {
    private static final int WIDTH = 1000;
    private static final int HEIGHT = 600;

    private Plots() {
    }

    /**
     * The figures a section's plot shows: those whose id starts with the section's id and a dot, in ms, with at least
     * one positive value. The plot names each by the rest of its id.
     */
    static List<Figure> plotted(Section section) {
        return section.figures().stream().filter(f -> f.id().startsWith(section.id() + "."))
                .filter(f -> f.unit().shown().equals("ms") && f.unit() != Unit.SURVIVED)
                .filter(f -> f.sorted().stream().anyMatch(v -> v > 0)).toList();
    }

    /** Writes each section's plot into the directory; returns the files written. */
    public static List<Path> write(BenchReport report, Path dir) {
        System.setProperty("java.awt.headless", "true");
        List<Path> written = new ArrayList<>();
        for (Section section : report.sections()) {
            if (!MarkdownReport.hasPlot(section)) {
                continue;
            }
            Path file = dir.resolve(section.plot());
            write(section, file);
            written.add(file);
        }
        return written;
    }

    private static void write(Section section, Path file) {
        List<Figure> figures = plotted(section);
        BoxChart chart = new BoxChartBuilder().width(WIDTH)
                .height(HEIGHT).title(section.title())
                .yAxisTitle("ms").build();
        chart.getStyler().setLegendVisible(false);
        chart.getStyler().setXAxisLabelRotation(45);
        double min = Double.MAX_VALUE;
        double max = 0;
        for (Figure f : figures) {
            List<Double> values = new ArrayList<>();
            for (long v : f.sorted()) {
                if (v > 0) {
                    double scaled = f.unit().scaled(v);
                    values.add(scaled);
                    min = Math.min(min, scaled);
                    max = Math.max(max, scaled);
                }
            }
            // A box needs two values; one value is drawn as a flat box.
            if (values.size() == 1) {
                values.add(values.get(0));
            }
            chart.addSeries(f.id().substring(section.id().length() + 1), values);
        }
        chart.getStyler().setYAxisLogarithmic(max / min > 20);
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            BitmapEncoder.saveBitmap(chart, file.toString(), BitmapEncoder.BitmapFormat.PNG);
        } catch (IOException e) {
            throw new ReportFileException(ReportFileException.Reason.IO, "cannot write the plot " + file + ": "
                    + e.getMessage(), e);
        }
    }
}
