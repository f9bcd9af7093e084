package org.sacip.agent.peer.protocol;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A map of at most {@code capacity} entries that forgets the least recently used one beyond: every map keyed by
 * a value a remote host chooses is one of these, so no flood can grow it. Not thread-safe (engine thread).
 */
final class LruMap<K, V> extends LinkedHashMap<K, V> {
    private static final long serialVersionUID = 1L;
    private final String name;
    private final int capacity;

    LruMap(String name, int capacity) {
        super(16, 0.75f, true);
        if (capacity < 1) {
            throw new IllegalArgumentException(name + ": capacity must be at least 1");
        }
        this.name = name;
        this.capacity = capacity;
    }

    @Override
    protected boolean removeEldestEntry(Map.Entry<K, V> eldest) {
        return size() > capacity;
    }

    Bound bound() {
        return new Bound(name, size(), capacity);
    }
}
