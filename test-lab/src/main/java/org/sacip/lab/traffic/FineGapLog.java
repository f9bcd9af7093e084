package org.sacip.lab.traffic;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

/**
 * The longest time between two consecutive deliveries ending in each 50 ms slot, in epoch microseconds. GapLog keeps
 * only silences over 20 ms (ten send intervals), so a 5 ms handover shows there as 0; a benchmark needs the gap at
 * 1 ms resolution or better, per move. One entry per slot keeps the report small (1,200 a minute) and exact for
 * any window of whole slots: the longest silence overlapping a move is the longest of its slots.
 */
public final class FineGapLog {
    public static final long SLOT_MICROS = 50_000;

    private final TreeMap<Long, FineGap> bySlot = new TreeMap<>();
    private long lastMicros;

    /** Now in epoch microseconds (the JDK's clock has µs resolution on Linux); the same clock in every process. */
    public static long nowMicros() {
        Instant now = Instant.now();
        return now.getEpochSecond() * 1_000_000 + now.getNano() / 1000;
    }

    public synchronized void start(long nowMicros) {
        lastMicros = nowMicros;
    }

    public synchronized void delivered(long nowMicros) {
        if (lastMicros != 0) {
            add(new FineGap(lastMicros, nowMicros, false));
        }
        lastMicros = nowMicros;
    }

    /** Closes the books at report time: a silence still going on counts up to then, as an open gap. */
    public synchronized void finish(long nowMicros) {
        if (lastMicros != 0 && nowMicros > lastMicros) {
            add(new FineGap(lastMicros, nowMicros, true));
        }
    }

    private void add(FineGap gap) {
        bySlot.merge(gap.endMicros() / SLOT_MICROS, gap,
                (old, next) -> next.durationMicros() > old.durationMicros() ? next : old);
    }

    public synchronized List<FineGap> sortedByEnd() {
        return new ArrayList<>(bySlot.values());
    }
}
