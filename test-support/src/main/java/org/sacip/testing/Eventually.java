package org.sacip.testing;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * Waits on state instead of sleeping: polls a condition (every 10 ms at first, then at most every 100 ms) until it
 * holds or a deadline passes, and then fails saying what was awaited and what was seen last. One clock
 * ({@link System#nanoTime()}) for every wait.
 */
public final class Eventually {
    private static final long FIRST_POLL_NANOS = Duration.ofMillis(10).toNanos();
    private static final long LONGEST_POLL_NANOS = Duration.ofMillis(100).toNanos();

    private Eventually() {
    }

    /**
     * Returns once {@code condition} holds; fails with "gave up after LIMIT waiting for WHAT" otherwise.
     *
     * @param what what is awaited, evaluated only on failure (it may describe the state seen then)
     */
    public static void await(Duration limit, BooleanSupplier condition, Supplier<String> what) {
        Objects.requireNonNull(what, "what");
        if (!within(limit, condition)) {
            throw new AssertionError(failure(limit, what.get()));
        }
    }

    /**
     * Returns the first value of {@code probe} that {@code done} accepts; fails with the last value seen otherwise.
     */
    public static <T> T await(Duration limit, Supplier<T> probe, Predicate<? super T> done, Supplier<String> what) {
        Objects.requireNonNull(probe, "probe");
        Objects.requireNonNull(done, "done");
        Objects.requireNonNull(what, "what");
        AtomicReference<T> last = new AtomicReference<>();
        boolean met = within(limit, () -> {
            T value = probe.get();
            last.set(value);
            return done.test(value);
        });
        if (!met) {
            throw new AssertionError(failure(limit, what.get()) + "; last seen: " + last.get());
        }
        return last.get();
    }

    /**
     * Polls {@code condition} until it holds (true) or {@code limit} has passed (false; also on interrupt, with the
     * thread's interrupt status set again). The condition is always asked at least once, and once more at the
     * deadline. Exceptions from the condition propagate at once.
     */
    public static boolean within(Duration limit, BooleanSupplier condition) {
        Objects.requireNonNull(limit, "limit");
        Objects.requireNonNull(condition, "condition");
        long deadline = System.nanoTime() + limit.toNanos();
        long pause = FIRST_POLL_NANOS;
        while (true) {
            if (condition.getAsBoolean()) {
                return true;
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            try {
                Thread.sleep(Duration.ofNanos(Math.min(pause, left)).toMillis() + 1);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
            pause = Math.min(pause * 2, LONGEST_POLL_NANOS);
        }
    }

    private static String failure(Duration limit, String what) {
        String interrupted = Thread.currentThread().isInterrupted() ? " (interrupted)" : "";
        return "gave up after " + text(limit) + interrupted + " waiting for " + what;
    }

    static String text(Duration duration) {
        long millis = duration.toMillis();
        return millis % 1000 == 0 ? millis / 1000 + " s" : millis + " ms";
    }
}
