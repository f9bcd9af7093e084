package org.sacip.lab.bench;

import org.sacip.lab.move.MoveEvent;

/** A move a benchmark made, and the address A uses after it (what the agent's log names as the new active one). */
record BenchMove(MoveEvent event, String target) {
}
