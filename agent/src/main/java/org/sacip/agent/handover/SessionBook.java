package org.sacip.agent.handover;

import java.net.InetAddress;
import java.time.Instant;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.sacip.agent.datapath.SessionTuple;

/**
 * The sessions the agent moved or carries for a moved peer, with their state and since when. The data path holds
 * what the wire carries; this holds what it means. Thread-safe.
 */
public final class SessionBook {
    /** One session: {@code peer} is the peer's original address. */
    public record Entry(SessionTuple tuple, SessionState state, Instant since) {
        public InetAddress peer() {
            return tuple.remote().address();
        }

        public InetAddress localOriginal() {
            return tuple.local().address();
        }

        Entry with(SessionState next, Instant now) {
            return next == state ? this : new Entry(tuple, next, now);
        }
    }

    private final Map<SessionTuple, Entry> entries = new LinkedHashMap<>();

    /** Records the sessions in {@code state}; a session already in that state keeps its since. */
    public synchronized void put(Collection<SessionTuple> tuples, SessionState state, Instant now) {
        for (SessionTuple tuple : tuples) {
            Entry previous = entries.get(tuple);
            entries.put(tuple, previous == null ? new Entry(tuple, state, now) : previous.with(state, now));
        }
    }

    public synchronized void remove(Collection<SessionTuple> tuples) {
        tuples.forEach(entries::remove);
    }

    public synchronized List<Entry> matching(Predicate<Entry> filter) {
        return entries.values().stream().filter(filter).toList();
    }

    /** The sessions of one path (our original address, the peer's original address). */
    public List<Entry> ofPath(PeerPath path) {
        return matching(e -> e.localOriginal().equals(path.local()) && e.peer().equals(path.peer()));
    }

    public synchronized boolean contains(SessionTuple tuple) {
        return entries.containsKey(tuple);
    }

    public synchronized boolean hasLocalOriginal(InetAddress original) {
        return entries.keySet().stream().anyMatch(t -> t.local().address().equals(original));
    }

    public synchronized List<Entry> all() {
        return List.copyOf(entries.values());
    }

    public synchronized int size() {
        return entries.size();
    }

    public synchronized void clear() {
        entries.clear();
    }
}
