package org.sacip.lab.traffic;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;

/**
 * Collects the times without delivery longer than a threshold. Bounded: with thousands of connections it keeps the
 * longest gaps, which are the ones a handover figure is made of.
 */
public final class GapLog {
    /** Ten 2 ms send intervals: shorter silences are scheduling noise, not a handover. */
    public static final long THRESHOLD_MS = 20;
    private static final int CAPACITY = 2000;

    private final PriorityQueue<Gap> gaps = new PriorityQueue<>(Comparator.comparingLong(Gap::durationMs));
    private Gap longest;

    public synchronized void add(Gap gap) {
        if (longest == null || gap.durationMs() > longest.durationMs()) {
            longest = gap;
        }
        if (gap.durationMs() <= THRESHOLD_MS) {
            return;
        }
        gaps.add(gap);
        if (gaps.size() > CAPACITY) {
            gaps.poll();
        }
    }

    /** The longest silence of all, however short: null when nothing was ever delivered twice. */
    public synchronized Gap longest() {
        return longest;
    }

    public synchronized List<Gap> sortedByStart() {
        List<Gap> list = new ArrayList<>(gaps);
        list.sort(Comparator.comparingLong(Gap::startMs));
        return list;
    }
}
