package org.sacip.agent.control;

/** What a flush removed. */
public record FlushResult(int sessions, int ghosts) {
}
