package org.sacip.agent.state;

import java.time.Duration;

/**
 * How soon a changed snapshot for the control socket is published: after {@code least}, or ten times what building
 * the last one took, whichever is longer. A view of 100,000 sessions takes a tenth of a second to build; published
 * every 100 ms during a move, it took half of its thread's time from the move itself. One thread only.
 */
public final class ViewPacing {
    private final Duration least;
    private long lastNanos;

    public ViewPacing(Duration least) {
        this.least = least;
    }

    /** The wait before the next publication. */
    public Duration delay() {
        Duration paced = Duration.ofNanos(10 * lastNanos);
        return paced.compareTo(least) > 0 ? paced : least;
    }

    /** Publishes, timing it for the next {@link #delay()}. */
    public void publish(Runnable publication) {
        long start = System.nanoTime();
        publication.run();
        lastNanos = System.nanoTime() - start;
    }
}
