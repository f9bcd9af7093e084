package org.sacip.agent.peer.protocol;

import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Limits the handshake messages each source may make us work for (a HELLO costs a MAC, an INIT a key agreement):
 * a token bucket per source address, {@link #BURST} at once and {@link #PER_SECOND} a second after that. At most
 * {@link #MAX_SOURCES} sources are remembered (least recently seen forgotten first), so a flood from many forged
 * sources costs bounded memory. Engine thread only.
 */
final class HandshakeRateLimiter {
    static final int BURST = 20;
    static final int PER_SECOND = 10;
    static final int MAX_SOURCES = 4096;

    private static final class Bucket {
        double tokens = BURST;
        Instant updated;

        Bucket(Instant now) {
            this.updated = now;
        }
    }

    private final Map<InetAddress, Bucket> buckets = new LinkedHashMap<>(64, 0.75f, true) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<InetAddress, Bucket> eldest) {
            return size() > MAX_SOURCES;
        }
    };

    /** Whether one more handshake message from {@code source} may be handled now. */
    boolean allow(InetAddress source, Instant now) {
        Bucket bucket = buckets.computeIfAbsent(source, s -> new Bucket(now));
        Duration elapsed = Duration.between(bucket.updated, now);
        if (!elapsed.isNegative()) {
            bucket.tokens = Math.min(BURST, bucket.tokens + elapsed.toNanos() * PER_SECOND / 1e9);
            bucket.updated = now;
        }
        if (bucket.tokens < 1) {
            return false;
        }
        bucket.tokens -= 1;
        return true;
    }
}
