package org.sacip.lab.bench.report;

import java.util.List;
import java.util.Objects;

/**
 * One part of the report: a title, what was done (text, Markdown), the figures, the plot file (in
 * docs/benchmarks/, null for none) and the exact commands the lab ran.
 */
public record Section(String id, String title, String text, List<Figure> figures, String plot, List<String> commands,
        List<String> notes) {
    public Section {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(title, "title");
        Objects.requireNonNull(text, "text");
        // The plot is written into the report's directory under this name: a plain file name only.
        if (plot != null && !plot.matches("[a-z0-9][a-z0-9_-]*\\.png")) {
            throw new IllegalArgumentException("a plot is a plain .png file name, not '" + plot + "'");
        }
        figures = List.copyOf(figures);
        commands = List.copyOf(commands);
        notes = List.copyOf(notes);
    }

    public Figure figure(String figureId) {
        return figures.stream().filter(f -> f.id().equals(figureId)).findFirst().orElse(null);
    }
}
