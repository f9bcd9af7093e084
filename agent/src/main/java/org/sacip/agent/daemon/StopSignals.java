package org.sacip.agent.daemon;

import java.util.concurrent.CountDownLatch;

/**
 * SIGTERM and SIGINT, taken over before anything else starts: from then on they only note that a stop was requested,
 * so a stop at any moment of the agent's life (start-up included) ends in an orderly close and exit status 0. Left
 * to the JVM, a signal during start-up would end the process with 143 (128 + SIGTERM), which service managers count
 * as a failure.
 */
final class StopSignals {
    private final CountDownLatch requested = new CountDownLatch(1);

    private StopSignals() {
    }

    static StopSignals install() {
        StopSignals stop = new StopSignals();
        for (String name : new String[] {"TERM", "INT"}) {
            try {
                sun.misc.Signal.handle(new sun.misc.Signal(name), signal -> stop.requested.countDown());
            } catch (IllegalArgumentException reservedByTheJvm) {
                // Only with -Xrs or a JVM that keeps the signal for itself: then its default handling applies.
            }
        }
        return stop;
    }

    boolean requested() {
        return requested.getCount() == 0;
    }

    /** Returns once a stop was requested. */
    void await() throws InterruptedException {
        requested.await();
    }
}
