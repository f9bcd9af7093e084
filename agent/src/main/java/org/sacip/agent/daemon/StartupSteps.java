package org.sacip.agent.daemon;

import java.util.StringJoiner;

/**
 * How long each step of start-up took, for the one line the agent logs once it is ready: where a slow start spends
 * its time, without a profiler. Counted from the configuration read (the JVM's own start and the launcher come
 * before). Used by the starting thread only.
 */
final class StartupSteps {
    private final long createdNanos = System.nanoTime();
    private long lastNanos = createdNanos;
    private final StringJoiner steps = new StringJoiner(", ");

    /** The step just finished, timed from the previous one (or from this object's creation). */
    void done(String step) {
        long now = System.nanoTime();
        steps.add(step + " " + (now - lastNanos) / 1_000_000);
        lastNanos = now;
    }

    /** For example {@code ready 612 ms after the configuration was read (saved state read 200, data path 84, ...)}. */
    String summary() {
        return "ready " + (System.nanoTime() - createdNanos) / 1_000_000 + " ms after the configuration was read ("
                + steps + ", in ms)";
    }
}
