package org.sacip.agent.peer.protocol;

import java.time.Duration;
import java.time.Instant;

/**
 * The single thread the protocol engine runs on, with its clock and timers. Every task runs on that one thread, so
 * the engine's tables need no locks; tests use a virtual clock so timer logic runs without sleeping.
 */
public interface EngineLoop {
    /** A scheduled task that can still be called off. */
    interface Timer {
        void cancel();
    }

    Instant now();

    /** Runs {@code task} on the engine thread, after the tasks already queued. */
    void execute(Runnable task);

    /** Runs {@code task} on the engine thread once {@code delay} has passed. */
    Timer schedule(Duration delay, Runnable task);
}
