package org.sacip.agent.daemon;

import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.sacip.agent.handover.HandoverEvents;
import org.sacip.agent.peer.protocol.DropCounters;
import org.sacip.agent.peer.protocol.DropReason;
import org.sacip.agent.peer.protocol.EngineLoop;
import org.sacip.control.EventType;

/**
 * Turns the drop counters into events for {@code sacipctl events}: at most one event per reason per
 * {@link #INTERVAL}, carrying how many were dropped since the last one, so a flood of forged messages cannot flood the
 * event stream. Driven by the drops themselves (nothing runs while nothing is dropped): the first drop after a quiet
 * interval is reported at once, later ones together one interval after the last report. Reports run on the engine
 * loop.
 */
final class DropReport {
    static final Duration INTERVAL = Duration.ofSeconds(1);

    private final DropCounters counters;
    private final HandoverEvents events;
    private final EngineLoop loop;
    private final AtomicBoolean pending = new AtomicBoolean();
    // Engine loop only:
    private final Map<DropReason, Long> reported = new EnumMap<>(DropReason.class);
    private Instant lastReport;

    DropReport(DropCounters counters, HandoverEvents events, EngineLoop loop) {
        this.counters = counters;
        this.events = events;
        this.loop = loop;
        counters.onCount(this::counted);
    }

    /** A drop was counted (on any thread): one report is due, now or one interval after the last. */
    private void counted() {
        if (pending.compareAndSet(false, true)) {
            loop.execute(() -> {
                Instant due = lastReport == null ? loop.now() : lastReport.plus(INTERVAL);
                Duration wait = Duration.between(loop.now(), due);
                if (wait.isNegative() || wait.isZero()) {
                    report();
                } else {
                    loop.schedule(wait, this::report);
                }
            });
        }
    }

    private void report() {
        // Cleared first: a drop counted from here on asks for the next report.
        pending.set(false);
        lastReport = loop.now();
        for (DropReason reason : DropReason.values()) {
            long now = counters.count(reason);
            long before = reported.getOrDefault(reason, 0L);
            if (now > before) {
                reported.put(reason, now);
                events.publish(EventType.DROP, (now - before) + " SACIP message(s) dropped: " + reason, Map.of("reason",
                        reason.name(), "count", Long.toString(now - before), "total", Long.toString(now)));
            }
        }
    }
}
