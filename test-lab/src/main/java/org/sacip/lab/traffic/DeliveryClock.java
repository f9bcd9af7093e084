package org.sacip.lab.traffic;

/** Tracks one receiving direction: when data last arrived, and every silence longer than the threshold. */
public final class DeliveryClock {
    private final GapLog log;
    private volatile long firstMs;
    private volatile long lastMs;

    public DeliveryClock(GapLog log) {
        this.log = log;
    }

    /** Call at start so a connection that never delivers still shows its silence. */
    public void start(long nowMs) {
        lastMs = nowMs;
    }

    public void delivered(long nowMs) {
        if (firstMs == 0) {
            firstMs = nowMs;
        }
        long last = lastMs;
        if (last != 0) {
            log.add(new Gap(last, nowMs, false));
        }
        lastMs = nowMs;
    }

    /** Closes the books at report time: a silence still going on is recorded as an open gap. */
    public void finish(long nowMs) {
        long last = lastMs;
        if (last != 0) {
            log.add(new Gap(last, nowMs, true));
        }
    }

    public long firstMs() {
        return firstMs;
    }

    public long lastMs() {
        return lastMs;
    }
}
