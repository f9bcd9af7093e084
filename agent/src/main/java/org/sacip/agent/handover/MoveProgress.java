package org.sacip.agent.handover;

import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.Set;

/** One move of ours waiting for its peers, so its convergence time can be logged once all have answered. */
final class MoveProgress {
    final InetAddress original;
    final InetAddress newActive;
    final Instant seenAt;
    final int sessions;
    private final Set<InetAddress> waiting = new HashSet<>();
    private int confirmed;
    private int refused;

    MoveProgress(InetAddress original, InetAddress newActive, Instant seenAt, int sessions, Set<InetAddress> peers) {
        this.original = original;
        this.newActive = newActive;
        this.seenAt = seenAt;
        this.sessions = sessions;
        this.waiting.addAll(peers);
    }

    /** Records one peer's answer; returns whether that was the last one. */
    boolean answered(InetAddress peer, boolean ok) {
        if (!waiting.remove(peer)) {
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

    Duration elapsed(Instant now) {
        return Duration.between(seenAt, now);
    }
}
