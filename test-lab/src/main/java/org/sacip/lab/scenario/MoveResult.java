package org.sacip.lab.scenario;

import org.sacip.lab.move.MoveEvent;
import org.sacip.lab.traffic.Gap;

/**
 * A move and the longest silence (either direction) that overlapped it, up to the next move or the end, with that
 * silence's start and end; gap is null when nothing was silent for longer than the gap log's threshold.
 */
public record MoveResult(MoveEvent move, long gapMs, Gap gap) {
}
