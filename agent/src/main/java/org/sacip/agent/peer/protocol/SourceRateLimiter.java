package org.sacip.agent.peer.protocol;

import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A token bucket per source address: {@code burst} messages at once and {@code perSecond} a second after that. At
 * most {@link #MAX_SOURCES} sources are remembered (least recently seen forgotten first), so a flood from many
 * forged sources costs bounded memory. Engine thread only.
 */
final class SourceRateLimiter {
    /** Handshake messages we do work for (a HELLO costs a MAC, an INIT a key agreement). */
    static final int HANDSHAKE_BURST = 20;
    static final int HANDSHAKE_PER_SECOND = 10;
    /** REFUSALs sent to, or acted on from, one address: at most 10 a second (section 9). */
    static final int REFUSAL_BURST = 10;
    static final int REFUSAL_PER_SECOND = 10;
    static final int MAX_SOURCES = 4096;

    private static final class Bucket {
        double tokens;
        Instant updated;

        Bucket(double tokens, Instant now) {
            this.tokens = tokens;
            this.updated = now;
        }
    }

    private final int burst;
    private final int perSecond;
    private final Map<InetAddress, Bucket> buckets = new LinkedHashMap<>(64, 0.75f, true) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<InetAddress, Bucket> eldest) {
            return size() > MAX_SOURCES;
        }
    };

    SourceRateLimiter(int burst, int perSecond) {
        if (burst < 1 || perSecond < 1) {
            throw new IllegalArgumentException("a rate limit needs a burst and a rate of at least 1");
        }
        this.burst = burst;
        this.perSecond = perSecond;
    }

    static SourceRateLimiter forHandshakes() {
        return new SourceRateLimiter(HANDSHAKE_BURST, HANDSHAKE_PER_SECOND);
    }

    static SourceRateLimiter forRefusals() {
        return new SourceRateLimiter(REFUSAL_BURST, REFUSAL_PER_SECOND);
    }

    /** Whether one more message from (or to) {@code source} may be handled now. */
    boolean allow(InetAddress source, Instant now) {
        Bucket bucket = buckets.computeIfAbsent(source, s -> new Bucket(burst, now));
        Duration elapsed = Duration.between(bucket.updated, now);
        if (!elapsed.isNegative()) {
            bucket.tokens = Math.min(burst, bucket.tokens + elapsed.toNanos() * perSecond / 1e9);
            bucket.updated = now;
        }
        if (bucket.tokens < 1) {
            return false;
        }
        bucket.tokens -= 1;
        return true;
    }
}
