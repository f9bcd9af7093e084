package org.sacip.lab.attack;

import java.util.function.Predicate;
import java.util.function.Supplier;
import org.sacip.lab.LabException;

/** Bounded waits on observable state (a probe polled every 100 ms), never on time alone. */
final class Waits {
    private static final long POLL_MS = 100;

    private Waits() {
    }

    /** What a wait saw last and whether its condition held. */
    record Outcome<T>(T last, boolean met, long afterMs) {
    }

    /** Polls until {@code done} holds or the limit passes; never throws for the condition. */
    static <T> Outcome<T> poll(long limitMs, Supplier<T> probe, Predicate<T> done) {
        long start = System.currentTimeMillis();
        while (true) {
            T seen = probe.get();
            long after = System.currentTimeMillis() - start;
            if (done.test(seen)) {
                return new Outcome<>(seen, true, after);
            }
            if (after >= limitMs) {
                return new Outcome<>(seen, false, after);
            }
            pause(POLL_MS);
        }
    }

    /** Polls until {@code done} holds; an AssertionError saying what was awaited and what was seen last if not. */
    static <T> T until(String what, long limitMs, Supplier<T> probe, Predicate<T> done) {
        Outcome<T> outcome = poll(limitMs, probe, done);
        if (!outcome.met()) {
            throw new AssertionError("not within " + limitMs + " ms: " + what + "; last seen: " + outcome.last());
        }
        return outcome.last();
    }

    /** A polling interval (not a synchronisation: callers re-check state after it). */
    static void pause(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LabException("interrupted", e);
        }
    }
}
