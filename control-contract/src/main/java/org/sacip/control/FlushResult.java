package org.sacip.control;

/** What a flush removed (the payload of {@code flush}). */
public record FlushResult(int sessions, int ghosts) {
}
