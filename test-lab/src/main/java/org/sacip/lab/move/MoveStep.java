package org.sacip.lab.move;

/** One move of a plan: the host goes from uplink {@code from} to uplink {@code to} after waiting {@code pauseBeforeMs}. */
public record MoveStep(String host, int from, int to, MoveKind kind, long pauseBeforeMs) {
}
