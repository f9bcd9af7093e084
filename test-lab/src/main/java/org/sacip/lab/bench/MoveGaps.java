package org.sacip.lab.bench;

import java.util.ArrayList;
import java.util.List;
import org.sacip.lab.traffic.Gap;
import org.sacip.lab.traffic.StreamReport;

/**
 * StreamFigures.perMove over any number of endpoint reports: per move, the longest silence on any connection that
 * overlaps the time from the move's start to the next move's (or the end).
 */
final class MoveGaps {
    private MoveGaps() {
    }

    static List<Long> worstPerMove(List<BenchMove> moves, long endMs, List<StreamReport> reports) {
        List<Long> worst = new ArrayList<>();
        for (int i = 0; i < moves.size(); i++) {
            long from = moves.get(i).event().startMs();
            long to = i + 1 < moves.size() ? moves.get(i + 1).event().startMs() : endMs;
            long longest = 0;
            for (StreamReport report : reports) {
                for (Gap gap : report.gaps()) {
                    if (gap.endMs() >= from && gap.startMs() <= to) {
                        longest = Math.max(longest, gap.durationMs());
                    }
                }
            }
            worst.add(longest);
        }
        return worst;
    }
}
