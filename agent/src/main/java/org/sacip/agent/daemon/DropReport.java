package org.sacip.agent.daemon;

import java.util.EnumMap;
import java.util.Map;
import org.sacip.agent.handover.HandoverEvents;
import org.sacip.agent.peer.protocol.DropCounters;
import org.sacip.agent.peer.protocol.DropReason;

/**
 * Turns the drop counters into events for {@code sacipctl events}: at most one event per reason per call (the
 * session thread calls once a second), carrying how many were dropped since the last one, so a flood of forged
 * messages cannot flood the event stream.
 */
final class DropReport {
    private final DropCounters counters;
    private final HandoverEvents events;
    private final Map<DropReason, Long> reported = new EnumMap<>(DropReason.class);

    DropReport(DropCounters counters, HandoverEvents events) {
        this.counters = counters;
        this.events = events;
    }

    void publishNew() {
        for (DropReason reason : DropReason.values()) {
            long now = counters.count(reason);
            long before = reported.getOrDefault(reason, 0L);
            if (now > before) {
                reported.put(reason, now);
                events.publish("drop", (now - before) + " SACIP message(s) dropped: " + reason, Map.of("reason",
                        reason.name(), "count", Long.toString(now - before), "total", Long.toString(now)));
            }
        }
    }
}
