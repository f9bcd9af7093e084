package org.sacip.lab.scenario;

import org.sacip.lab.move.MoveEvent;

/** A move and the longest silence (either direction) that overlapped it, up to the next move or the end. */
public record MoveResult(MoveEvent move, long gapMs) {
}
