package org.sacip.netlink.testing;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/** Collects what a subscription delivers until the test has what it waits for, or fails at a deadline. */
public final class Await {
    /** One poll of a subscription: waits up to the timeout, returns what came (possibly nothing). */
    @FunctionalInterface
    public interface Poll<T> {
        List<T> poll(Duration timeout) throws Exception;
    }

    private Await() {
    }

    /**
     * Polls until {@code enough} holds for everything collected so far; fails after {@code limit} with
     * {@code awaited} and what did arrive.
     */
    public static <T> List<T> until(Poll<T> source, Predicate<List<T>> enough, Duration limit, String awaited)
            throws Exception {
        List<T> collected = new ArrayList<>();
        long deadline = System.nanoTime() + limit.toNanos();
        while (!enough.test(collected)) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new AssertionError("waited " + limit.toSeconds() + " s for " + awaited + "; got " + collected);
            }
            collected.addAll(source.poll(Duration.ofNanos(Math.min(left, Duration.ofMillis(500).toNanos()))));
        }
        return collected;
    }
}
