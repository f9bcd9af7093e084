package org.sacip.agent.handover;

import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.Set;
import org.sacip.agent.move.MoveKind;
import org.sacip.protocol.message.Octets;

/** One move of ours waiting for the peers of its key lineages, so its convergence time can be logged once all have answered. */
final class MoveProgress {
    final InetAddress original;
    final InetAddress newActive;
    final MoveKind kind;
    final Instant seenAt;
    final int sessions;
    private final Set<Octets> waiting = new HashSet<>();
    private int confirmed;
    private int refused;

    MoveProgress(InetAddress original, InetAddress newActive, MoveKind kind, Instant seenAt, int sessions,
            Set<Octets> lineages) {
        this.original = original;
        this.newActive = newActive;
        this.kind = kind;
        this.seenAt = seenAt;
        this.sessions = sessions;
        this.waiting.addAll(lineages);
    }

    /** Whether this key lineage has not answered yet. */
    boolean waitsFor(Octets lineage) {
        return waiting.contains(lineage);
    }

    /** Records one key lineage's answer; returns whether that was the last one. */
    boolean answered(Octets lineage, boolean ok) {
        if (!waiting.remove(lineage)) {
            return false;
        }
        if (ok) {
            confirmed++;
        } else {
            refused++;
        }
        return waiting.isEmpty();
    }

    int confirmed() {
        return confirmed;
    }

    int refused() {
        return refused;
    }

    /** Once every key lineage answered: how the move ended. */
    MoveOutcome outcome() {
        return refused == 0 ? MoveOutcome.CONVERGED : confirmed == 0 ? MoveOutcome.REFUSED : MoveOutcome.PARTIAL;
    }

    Duration elapsed(Instant now) {
        return Duration.between(seenAt, now);
    }
}
