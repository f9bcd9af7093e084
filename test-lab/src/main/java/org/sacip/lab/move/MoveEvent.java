package org.sacip.lab.move;

import java.util.List;

/** A move that happened: what, when (epoch ms, the clock every endpoint uses too) and the exact commands. */
public record MoveEvent(String host, int fromUplink, int toUplink, MoveKind kind, long startMs, long endMs,
        List<String> commands) {
}
