package org.sacip.lab.bench.report;

import java.util.List;

/**
 * One part of the report: a title, what was done (text, Markdown), the figures, the plot file (in
 * docs/benchmarks/, null for none) and the exact commands the lab ran.
 */
public record Section(String id, String title, String text, List<Figure> figures, String plot, List<String> commands,
        List<String> notes) {
    public Section {
        figures = List.copyOf(figures);
        commands = List.copyOf(commands);
        notes = List.copyOf(notes);
    }

    public Figure figure(String figureId) {
        return figures.stream().filter(f -> f.id().equals(figureId)).findFirst().orElse(null);
    }
}
