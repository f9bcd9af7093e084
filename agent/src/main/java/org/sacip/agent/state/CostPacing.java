package org.sacip.agent.state;

import java.time.Duration;

/**
 * How soon a snapshot that may wait is made: {@link #COST_FACTOR} times what the last one cost, never sooner than
 * {@code least} and never later than {@link #MAX}, so snapshots take about a tenth of a core at most however large
 * the state grows. A snapshot's cost is what building it took (on its owner's thread) plus, for one written to
 * disk, what writing it took (on the writer's). A view of 100,000 sessions takes a tenth of a second to build:
 * published every 100 ms during a move, it took half of its thread's time from the move itself; their state file
 * of 24 MB, written every 100 ms while they opened, kept a core busy. Snapshots that must be on disk before
 * anything goes on are not paced.
 */
public final class CostPacing {
    static final int COST_FACTOR = 10;
    static final Duration MAX = Duration.ofSeconds(30);

    private final Duration least;
    private volatile long buildNanos;
    private volatile long writeNanos;

    public CostPacing(Duration least) {
        this.least = least;
    }

    /** The wait before the next snapshot. */
    public Duration delay() {
        long cost = buildNanos + writeNanos;
        if (cost < 0) {
            cost = Long.MAX_VALUE; // both beyond reason: saturated
        }
        long paced = cost > MAX.toNanos() / COST_FACTOR ? MAX.toNanos() : cost * COST_FACTOR;
        return paced > least.toNanos() ? Duration.ofNanos(paced) : least;
    }

    /** Builds a snapshot (a view published), timing it for the next {@link #delay()}. */
    public void publish(Runnable publication) {
        long start = System.nanoTime();
        publication.run();
        built(System.nanoTime() - start);
    }

    /** The last snapshot took this long to build. */
    public void built(long nanos) {
        buildNanos = Math.max(0, nanos);
    }

    /** The last snapshot took this long to write. */
    public void written(long nanos) {
        writeNanos = Math.max(0, nanos);
    }
}
