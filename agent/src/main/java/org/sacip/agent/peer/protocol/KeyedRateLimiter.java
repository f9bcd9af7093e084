package org.sacip.agent.peer.protocol;

import java.time.Instant;
import org.sacip.agent.rate.TokenBucket;

/**
 * A token bucket per key (a peer prefix, an address): {@code burst} at once and {@code perSecond} a second after
 * that. At most {@code capacity} keys are remembered (least recently seen forgotten first), so a flood from many
 * forged sources costs bounded memory. Engine thread only.
 */
final class KeyedRateLimiter<K> {
    private final int burst;
    private final int perSecond;
    private final LruMap<K, TokenBucket> buckets;

    KeyedRateLimiter(String name, int burst, int perSecond, int capacity) {
        this.burst = burst;
        this.perSecond = perSecond;
        this.buckets = new LruMap<>(name, capacity);
        new TokenBucket(burst, perSecond, Instant.EPOCH);
    }

    /** Whether one more message from (or to) {@code key} may be handled now; charges it if so. */
    boolean allow(K key, Instant now) {
        return buckets.computeIfAbsent(key, k -> new TokenBucket(burst, perSecond, now)).take(now);
    }

    Bound bound() {
        return buckets.bound();
    }
}
