package org.sacip.lab.traffic;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/** The mutable figures an endpoint accumulates while it runs; {@link #report} freezes them. */
public final class StreamCounters {
    public final AtomicLong sent = new AtomicLong();
    public final AtomicLong received = new AtomicLong();
    public final AtomicLong corrupted = new AtomicLong();
    public final AtomicLong sendErrors = new AtomicLong();
    private final AtomicReference<String> failure = new AtomicReference<>();
    private volatile long failureAtMs;
    public final GapLog gaps = new GapLog();
    public final FineGapLog fineGaps = new FineGapLog();
    public final long startMs = System.currentTimeMillis();

    /** Records the first failure only: later ones are consequences of it. */
    public void fail(String what) {
        if (failure.compareAndSet(null, what)) {
            failureAtMs = System.currentTimeMillis();
        }
    }

    public String failure() {
        return failure.get();
    }

    public StreamReport report(String kind, String role, String startTuple, String endTuple, int connections,
            int connectionsFailed, long lastDeliveryMs, String sentHash, String receivedHash) {
        return new StreamReport(kind, role, startTuple, endTuple, connections, connectionsFailed, sent.get(),
                received.get(), corrupted.get(), sendErrors.get(), failure.get(), failureAtMs, startMs,
                System.currentTimeMillis(), lastDeliveryMs, sentHash, receivedHash, gaps.longest(), gaps.sortedByStart(),
                fineGaps.sortedByEnd());
    }
}
