package org.sacip.lab.bench.report;

import java.util.List;
import java.util.Objects;

/**
 * docs/benchmarks/results.json: everything docs/BENCHMARKS.md is rendered from, and nothing else (rendering reads no
 * clock and no machine, so the same file always gives the same report). {@code version} is {@link #VERSION}; a reader
 * refuses another. The model is described in docs/BENCHMARKS.md, section "results.json".
 */
public record BenchReport(String schema, int version, boolean quick, RunEnvironment environment, List<String> commands,
        List<Section> sections, List<Goal> goals) {
    public static final String SCHEMA = "sacip-bench";
    public static final int VERSION = 1;

    public BenchReport {
        Objects.requireNonNull(schema, "schema");
        Objects.requireNonNull(environment, "environment");
        commands = List.copyOf(commands);
        sections = List.copyOf(sections);
        goals = List.copyOf(goals);
    }

    /** The section with this id, or null. */
    public Section section(String id) {
        return sections.stream().filter(s -> s.id().equals(id)).findFirst().orElse(null);
    }
}
