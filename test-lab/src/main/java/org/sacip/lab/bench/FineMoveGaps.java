package org.sacip.lab.bench;

import java.util.ArrayList;
import java.util.List;
import org.sacip.lab.traffic.FineGap;
import org.sacip.lab.traffic.StreamReport;

/**
 * The handover gap per move at µs resolution: the longest time between two consecutive counters received, either
 * direction, among the silences that overlap the time from the move's start to the next move's (or to the end).
 */
final class FineMoveGaps {
    private FineMoveGaps() {
    }

    /** Per move, in µs; the windows are [move start, next move's start), the last one up to {@code endMs}. */
    static List<Long> perMove(List<BenchMove> moves, long endMs, List<StreamReport> reports) {
        List<Long> worst = new ArrayList<>();
        for (int i = 0; i < moves.size(); i++) {
            long from = moves.get(i).event().startMs() * 1000;
            long to = (i + 1 < moves.size() ? moves.get(i + 1).event().startMs() : endMs) * 1000;
            worst.add(longest(reports, from, to));
        }
        return worst;
    }

    /** The longest silence in µs overlapping [fromMicros, toMicros]; 0 when the reports hold none there. */
    static long longest(List<StreamReport> reports, long fromMicros, long toMicros) {
        FineGap gap = longestGap(reports, fromMicros, toMicros);
        return gap == null ? 0 : gap.durationMicros();
    }

    /** The longest silence overlapping [fromMicros, toMicros]; null when the reports hold none there. */
    static FineGap longestGap(List<StreamReport> reports, long fromMicros, long toMicros) {
        FineGap longest = null;
        for (StreamReport report : reports) {
            for (FineGap gap : report.fineGaps()) {
                if (gap.endMicros() >= fromMicros && gap.startMicros() <= toMicros
                        && (longest == null || gap.durationMicros() > longest.durationMicros())) {
                    longest = gap;
                }
            }
        }
        return longest;
    }
}
