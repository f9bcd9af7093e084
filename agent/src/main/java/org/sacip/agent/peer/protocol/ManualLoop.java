package org.sacip.agent.peer.protocol;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayDeque;
import java.util.Comparator;
import java.util.Deque;
import java.util.PriorityQueue;

/**
 * An engine loop on a virtual clock: tasks run on the caller's thread when it lets time pass (engine tests, and the
 * rehearsal at start, {@link EngineRehearsal}).
 */
final class ManualLoop implements EngineLoop {
    private record Scheduled(Instant due, long order, Runnable task, boolean[] cancelled) {
    }

    private final Deque<Runnable> ready = new ArrayDeque<>();
    private final PriorityQueue<Scheduled> timers = new PriorityQueue<>(
            Comparator.comparing(Scheduled::due).thenComparingLong(Scheduled::order));
    private Instant now;
    private long order;

    ManualLoop(Instant start) {
        this.now = start;
    }

    @Override
    public Instant now() {
        return now;
    }

    /** This loop's virtual time as a Clock (for parts that read a clock, such as the metrics' key ages). */
    Clock clock() {
        return new Clock() {
            @Override
            public Instant instant() {
                return now;
            }

            @Override
            public ZoneId getZone() {
                return ZoneOffset.UTC;
            }

            @Override
            public Clock withZone(ZoneId zone) {
                return this;
            }
        };
    }

    @Override
    public void execute(Runnable task) {
        ready.add(task);
    }

    @Override
    public Timer schedule(Duration delay, Runnable task) {
        boolean[] cancelled = new boolean[1];
        timers.add(new Scheduled(now.plus(delay), order++, task, cancelled));
        return () -> cancelled[0] = true;
    }

    /** Runs every ready task, including those they queue, without letting time pass. */
    void runReady() {
        Runnable task;
        while ((task = ready.poll()) != null) {
            task.run();
        }
    }

    /** Lets {@code duration} pass, firing each timer at its due time. */
    void advance(Duration duration) {
        Instant end = now.plus(duration);
        runReady();
        while (!timers.isEmpty() && !timers.peek().due().isAfter(end)) {
            Scheduled next = timers.poll();
            now = next.due();
            if (!next.cancelled()[0]) {
                next.task().run();
            }
            runReady();
        }
        now = end;
    }
}
