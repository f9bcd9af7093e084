package org.sacip.netlink.bench;

import java.util.Arrays;

/** Percentiles of measured durations, printed in milliseconds. */
final class Stats {
    private Stats() {
    }

    static String summary(long[] nanos) {
        long[] sorted = nanos.clone();
        Arrays.sort(sorted);
        return String.format("n=%d min=%.3f median=%.3f p90=%.3f p99=%.3f max=%.3f ms", sorted.length,
                ms(sorted[0]), ms(at(sorted, 0.5)), ms(at(sorted, 0.9)), ms(at(sorted, 0.99)),
                ms(sorted[sorted.length - 1]));
    }

    private static long at(long[] sorted, double quantile) {
        return sorted[Math.min(sorted.length - 1, (int) Math.floor(quantile * sorted.length))];
    }

    private static double ms(long nanos) {
        return nanos / 1e6;
    }
}
