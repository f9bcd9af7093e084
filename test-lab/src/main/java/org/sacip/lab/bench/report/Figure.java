package org.sacip.lab.bench.report;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

/**
 * One measured figure: its values, one per trial (null where a trial produced none), in {@link Unit}. How it is
 * shown depends on the unit: a distribution (count, median, p90, p99, max), survived n of N, or a single value.
 */
public record Figure(String id, String label, Unit unit, List<Long> values, String note) {
    public Figure {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(label, "label");
        Objects.requireNonNull(unit, "unit");
        values = Collections.unmodifiableList(new ArrayList<>(values));
    }

    /** The values present, sorted. */
    public List<Long> sorted() {
        return values.stream().filter(v -> v != null).sorted().toList();
    }

    public int missing() {
        return values.size() - sorted().size();
    }

    /** Nearest-rank percentile (1..100) of the values present: a value that was measured; null when none. */
    public Long percentile(int p) {
        List<Long> sorted = sorted();
        if (sorted.isEmpty()) {
            return null;
        }
        int rank = (int) Math.ceil(p / 100.0 * sorted.size());
        return sorted.get(Math.max(0, rank - 1));
    }

    public Long max() {
        List<Long> sorted = sorted();
        return sorted.isEmpty() ? null : sorted.get(sorted.size() - 1);
    }

    /** For {@link Unit#SURVIVED}: how many trials survived (value 1). */
    public long survived() {
        return values.stream().filter(v -> v != null && v == 1).count();
    }
}
