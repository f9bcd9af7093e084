package org.sacip.lab.bench;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.stream.Collectors;

/**
 * One benchmark figure over all moves: the per-move values (null where a move produced none, e.g. no
 * "converged" line), their count, median, p90, p99 and max. Percentiles are nearest-rank: each is a value seen.
 */
public record Summary(String name, String unit, List<Long> perMove) {
    public Summary {
        perMove = Collections.unmodifiableList(new ArrayList<>(perMove));
    }

    public List<Long> values() {
        return perMove.stream().filter(v -> v != null).sorted().toList();
    }

    public int count() {
        return values().size();
    }

    public int missing() {
        return perMove.size() - count();
    }

    /** Nearest-rank percentile (p in 1..100) of the values present; null when there are none. */
    public Long percentile(int p) {
        List<Long> sorted = values();
        if (sorted.isEmpty()) {
            return null;
        }
        int rank = (int) Math.ceil(p / 100.0 * sorted.size());
        return sorted.get(Math.max(0, rank - 1));
    }

    public Long max() {
        List<Long> sorted = values();
        return sorted.isEmpty() ? null : sorted.get(sorted.size() - 1);
    }

    public static void printHeader(PrintStream out) {
        out.printf("%-52s %5s %7s %7s %7s %7s %7s%n", "figure", "count", "median", "p90", "p99", "max", "missing");
    }

    /** One table row, then the raw per-move values in move order ("-" where a move had none). */
    public void print(PrintStream out) {
        out.printf("%-52s %5d %7s %7s %7s %7s %7d%n", name + " (" + unit + ")", count(), text(percentile(50)),
                text(percentile(90)), text(percentile(99)), text(max()), missing());
        out.println("    raw, move order: " + perMove.stream().map(Summary::text).collect(Collectors.joining(" ")));
    }

    private static String text(Long value) {
        return value == null ? "-" : Long.toString(value);
    }
}
