package org.sacip.lab.scenario;

import java.util.ArrayList;
import java.util.List;
import org.sacip.lab.move.MoveEvent;
import org.sacip.lab.traffic.Gap;
import org.sacip.lab.traffic.StreamReport;

/** Turns the two endpoints' reports and the moves into the scenario's figures and verdict. */
public final class StreamFigures {
    /** An open silence at the end longer than this is a stall: 250 send intervals of the gap stream. */
    public static final long STALL_MS = 500;

    private final StreamReport client;
    private final StreamReport server;

    public StreamFigures(StreamReport client, StreamReport server) {
        this.client = client;
        this.server = server;
    }

    /** What one side sent and the other never got, in both directions. */
    public long bytesLost() {
        return Math.max(0, client.bytesSent() - server.bytesReceived()) + Math.max(0, server.bytesSent() - client.bytesReceived());
    }

    /** Sends that failed (UDP: datagrams never sent, e.g. while the source address was gone), both sides. */
    public long sendErrors() {
        return client.sendErrors() + server.sendErrors();
    }

    public long bytesCorrupted() {
        return client.bytesCorrupted() + server.bytesCorrupted();
    }

    public String failure() {
        if (client.failure() != null) {
            return "A: " + client.failure() + (client.connections() > 1 ? " (" + client.connectionsFailed() + " of " + client.connections() + " connections)" : "");
        }
        return server.failure() == null ? null : "B: " + server.failure();
    }

    public long maxGapMs() {
        Gap longest = longestGap();
        return longest == null ? 0 : longest.durationMs();
    }

    /** The longer of the two sides' longest silences (null when neither had one): when it was, and how long. */
    public Gap longestGap() {
        Gap longest = null;
        for (StreamReport r : List.of(client, server)) {
            if (r.longestGap() != null && (longest == null || r.longestGap().durationMs() > longest.durationMs())) {
                longest = r.longestGap();
            }
        }
        return longest;
    }

    public boolean stalledAtEnd() {
        for (StreamReport r : List.of(client, server)) {
            for (Gap gap : r.gaps()) {
                if (gap.open() && gap.durationMs() > STALL_MS) {
                    return true;
                }
            }
        }
        return false;
    }

    /**
     * For bulk: does what each side received hash the same as what the other sent (B's direction only where B
     * sent too)? Null for other kinds.
     */
    public Boolean hashesMatch() {
        if (client.sentHash() == null || server.receivedHash() == null) {
            return null;
        }
        boolean backwards = server.sentHash() == null || server.sentHash().equals(client.receivedHash());
        return client.sentHash().equals(server.receivedHash()) && backwards;
    }

    public Verdict verdict() {
        if (failure() != null) {
            return Verdict.RESET;
        }
        if (stalledAtEnd()) {
            return Verdict.STALLED;
        }
        if (bytesCorrupted() > 0 || Boolean.FALSE.equals(hashesMatch()) && bytesLost() == 0) {
            return Verdict.CORRUPTED;
        }
        if (bytesLost() > 0) {
            // TCP bytes that never arrived while the connection flows again cannot happen; UDP datagrams can.
            return Verdict.LOSSY;
        }
        return Verdict.SURVIVED;
    }

    /** Each move's gap: the longest silence overlapping the time from the move to the next one (or the end). */
    public List<MoveResult> perMove(List<MoveEvent> moves, long endMs) {
        List<MoveResult> results = new ArrayList<>();
        for (int i = 0; i < moves.size(); i++) {
            long from = moves.get(i).startMs();
            long to = i + 1 < moves.size() ? moves.get(i + 1).startMs() : endMs;
            Gap worst = null;
            for (StreamReport r : List.of(client, server)) {
                for (Gap gap : r.gaps()) {
                    if (gap.endMs() >= from && gap.startMs() <= to
                            && (worst == null || gap.durationMs() > worst.durationMs())) {
                        worst = gap;
                    }
                }
            }
            results.add(new MoveResult(moves.get(i), worst == null ? 0 : worst.durationMs(), worst));
        }
        return results;
    }
}
