package org.sacip.agent.handover;

import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/** What we know of each peer path: capability, since when, when its key was agreed. Thread-safe. */
public final class PeerDirectory {
    /** One path's knowledge; {@code keyAgreed} is empty until keys are in use. */
    public record Entry(PeerCapability capability, Instant since, Optional<Instant> keyAgreed) {
    }

    private final Map<PeerPath, Entry> entries = new HashMap<>();

    public synchronized Optional<Entry> get(PeerPath path) {
        return Optional.ofNullable(entries.get(path));
    }

    public synchronized PeerCapability capability(PeerPath path) {
        Entry entry = entries.get(path);
        return entry == null ? PeerCapability.UNKNOWN : entry.capability();
    }

    /** Starts a handshake unless one runs or the path is known; returns whether the caller should start it. */
    public synchronized boolean startProbe(PeerPath path, Instant now) {
        Entry entry = entries.get(path);
        if (entry != null) {
            return false;
        }
        entries.put(path, new Entry(PeerCapability.UNKNOWN, now, Optional.empty()));
        return true;
    }

    public synchronized void keyAgreed(PeerPath path, Instant now) {
        entries.put(path, new Entry(PeerCapability.AGENT, now, Optional.of(now)));
    }

    /** Our handshake timed out; a probe may start again once {@code retryAfter} has passed. */
    public synchronized void noAgent(PeerPath path, Instant now) {
        Entry entry = entries.get(path);
        if (entry == null || entry.capability() != PeerCapability.AGENT) {
            entries.put(path, new Entry(PeerCapability.NONE, now, Optional.empty()));
        }
    }

    /** Forgets a NONE verdict older than {@code before}, so the next scan probes again. */
    public synchronized void expireNoAgent(Instant before) {
        entries.values().removeIf(e -> e.capability() == PeerCapability.NONE && e.since().isBefore(before));
    }

    /** Forgets a probe that never finished (the engine lost it). */
    public synchronized void forgetUnknown(PeerPath path) {
        Entry entry = entries.get(path);
        if (entry != null && entry.capability() == PeerCapability.UNKNOWN) {
            entries.remove(path);
        }
    }

    /** Forgets the path (its key expired): the next scan probes it again. */
    public synchronized void forget(PeerPath path) {
        entries.remove(path);
    }

    public synchronized Map<PeerPath, Entry> snapshot() {
        return Map.copyOf(entries);
    }

    public synchronized void clear() {
        entries.clear();
    }
}
