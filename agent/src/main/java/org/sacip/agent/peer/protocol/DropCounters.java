package org.sacip.agent.peer.protocol;

import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Dropped messages counted by reason; each reason is logged at most once a second so a flood cannot flood the log.
 * Counting is readable from any thread; {@link #drop} is called on the engine thread only.
 */
public final class DropCounters {
    private static final Logger LOG = LoggerFactory.getLogger(DropCounters.class);
    private static final Duration LOG_INTERVAL = Duration.ofSeconds(1);

    private final Map<DropReason, LongAdder> counts = new EnumMap<>(DropReason.class);
    private final Map<DropReason, Instant> lastLogged = new EnumMap<>(DropReason.class);
    private final Map<DropReason, Long> countAtLastLog = new EnumMap<>(DropReason.class);
    private volatile Runnable onCount = () -> { };

    DropCounters() {
        for (DropReason reason : DropReason.values()) {
            counts.put(reason, new LongAdder());
        }
    }

    /** Calls {@code listener} after every drop counted, on the counting thread (it must not block). */
    public void onCount(Runnable listener) {
        this.onCount = listener;
    }

    /** Counts the drop; returns whether it was logged (the first of its reason within a second). */
    boolean drop(DropReason reason, String detail, Instant now) {
        counts.get(reason).increment();
        onCount.run();
        Instant last = lastLogged.get(reason);
        if (last == null || !now.isBefore(last.plus(LOG_INTERVAL))) {
            long total = count(reason);
            long since = total - countAtLastLog.getOrDefault(reason, 0L);
            lastLogged.put(reason, now);
            countAtLastLog.put(reason, total);
            LOG.info("dropped SACIP message ({}): {} [{} dropped for this reason since the last log line]", reason,
                    detail, since);
            return true;
        }
        return false;
    }

    /** Counts without logging; safe from any thread (used before a message reaches the engine thread). */
    void countOnly(DropReason reason) {
        counts.get(reason).increment();
        onCount.run();
    }

    public long count(DropReason reason) {
        return counts.get(reason).sum();
    }

    public long total() {
        return counts.values().stream().mapToLong(LongAdder::sum).sum();
    }
}
