package org.sacip.lab.traffic;

import java.util.concurrent.locks.LockSupport;

/** Paces a sending loop at a fixed interval without bursting to catch up after a blocked write. */
public final class Ticker {
    private final long intervalNanos;
    private long next = System.nanoTime();

    public Ticker(long intervalMicros) {
        this.intervalNanos = intervalMicros * 1000;
    }

    public void await() {
        next += intervalNanos;
        long now = System.nanoTime();
        if (next < now) {
            next = now;
            return;
        }
        LockSupport.parkNanos(next - now);
    }
}
