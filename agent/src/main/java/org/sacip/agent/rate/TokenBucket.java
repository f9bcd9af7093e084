package org.sacip.agent.rate;

import java.time.Duration;
import java.time.Instant;

/**
 * {@code burst} tokens at once and {@code perSecond} a second after that. Not thread-safe (the engine thread, the
 * path MTU relay's thread).
 */
public final class TokenBucket {
    private final int burst;
    private final int perSecond;
    private double tokens;
    private Instant updated;

    public TokenBucket(int burst, int perSecond, Instant now) {
        if (burst < 1 || perSecond < 1) {
            throw new IllegalArgumentException("a rate limit needs a burst and a rate of at least 1");
        }
        this.burst = burst;
        this.perSecond = perSecond;
        this.tokens = burst;
        this.updated = now;
    }

    /** Takes a token if there is one. */
    public boolean take(Instant now) {
        refill(now);
        if (tokens < 1) {
            return false;
        }
        tokens -= 1;
        return true;
    }

    /** Whether a token is there now, without taking it. */
    boolean available(Instant now) {
        refill(now);
        return tokens >= 1;
    }

    private void refill(Instant now) {
        Duration elapsed = Duration.between(updated, now);
        if (!elapsed.isNegative()) {
            tokens = Math.min(burst, tokens + elapsed.toNanos() * perSecond / 1e9);
            updated = now;
        }
    }
}
