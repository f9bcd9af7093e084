package org.sacip.lab.attack;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.sacip.lab.LabException;
import org.sacip.testing.Eventually;

/**
 * Bounded waits on observable state, on top of the shared {@link Eventually}: {@link #until} fails saying what was
 * awaited and what was seen last; {@link #poll} only reports, for tests that assert several outcomes together.
 */
final class Waits {
    private Waits() {
    }

    /** What a wait saw last, whether its condition held, and after how long. */
    record Outcome<T>(T last, boolean met, long afterMs) {
    }

    /** Polls until {@code done} holds or the limit passes; never throws for the condition. */
    static <T> Outcome<T> poll(long limitMs, Supplier<T> probe, Predicate<T> done) {
        long start = System.nanoTime();
        AtomicReference<T> last = new AtomicReference<>();
        boolean met = Eventually.within(Duration.ofMillis(limitMs), () -> {
            T seen = probe.get();
            last.set(seen);
            return done.test(seen);
        });
        return new Outcome<>(last.get(), met, (System.nanoTime() - start) / 1_000_000);
    }

    /** Polls until {@code done} holds; an AssertionError saying what was awaited and what was seen last if not. */
    static <T> T until(String what, long limitMs, Supplier<T> probe, Predicate<T> done) {
        return Eventually.await(Duration.ofMillis(limitMs), probe, done, () -> what);
    }

    /** A polling interval or a pacing pause (never a synchronisation: callers look at state after it). */
    static void pause(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LabException("interrupted", e);
        }
    }
}
