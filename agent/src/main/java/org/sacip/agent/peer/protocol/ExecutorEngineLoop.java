package org.sacip.agent.peer.protocol;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.sacip.agent.thread.EventThreads;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The production engine loop: one daemon thread, the system clock. */
public final class ExecutorEngineLoop implements EngineLoop, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ExecutorEngineLoop.class);

    private final Clock clock;
    private final ScheduledExecutorService executor;

    public ExecutorEngineLoop(Clock clock) {
        this.clock = clock;
        this.executor = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = EventThreads.create(runnable, "sacip-peer-protocol");
            thread.setDaemon(true);
            return thread;
        });
    }

    @Override
    public Instant now() {
        return clock.instant();
    }

    @Override
    public void execute(Runnable task) {
        try {
            executor.execute(guarded(task));
        } catch (RejectedExecutionException e) {
            // Closed: a message captured during shutdown is simply not handled.
            LOG.debug("engine loop closed, task ignored");
        }
    }

    @Override
    public Timer schedule(Duration delay, Runnable task) {
        try {
            ScheduledFuture<?> future = executor.schedule(guarded(task), delay.toNanos(), TimeUnit.NANOSECONDS);
            return () -> future.cancel(false);
        } catch (RejectedExecutionException e) {
            LOG.debug("engine loop closed, timer ignored");
            return () -> { };
        }
    }

    /** One failing task must not end the engine thread (a scheduled executor would swallow the rest silently). */
    private static Runnable guarded(Runnable task) {
        return () -> {
            try {
                task.run();
            } catch (RuntimeException e) {
                LOG.error("peer protocol task failed: {}", e.toString());
            }
        };
    }

    @Override
    public void close() throws InterruptedException {
        executor.shutdownNow();
        executor.awaitTermination(10, TimeUnit.SECONDS);
    }
}
