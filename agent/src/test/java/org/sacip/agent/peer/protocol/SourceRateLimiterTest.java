package org.sacip.agent.peer.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class SourceRateLimiterTest {
    private final SourceRateLimiter limiter = SourceRateLimiter.forHandshakes();
    private final Instant start = Instant.parse("2026-11-23T12:00:00Z");

    @Test
    void allowsABurstThenTheSteadyRatePerSource() throws Exception {
        InetAddress attacker = InetAddress.getByName("198.18.66.6");
        InetAddress other = InetAddress.getByName("198.18.66.7");
        int allowed = 0;
        for (int i = 0; i < 1000; i++) {
            if (limiter.allow(attacker, start)) {
                allowed++;
            }
        }
        assertEquals(SourceRateLimiter.HANDSHAKE_BURST, allowed);
        assertTrue(limiter.allow(other, start), "another source has its own bucket");
        assertFalse(limiter.allow(attacker, start.plusMillis(50)));
        assertTrue(limiter.allow(attacker, start.plusMillis(100)), "one token back after 1/10 s");
        int later = 0;
        for (int i = 0; i < 1000; i++) {
            if (limiter.allow(attacker, start.plus(Duration.ofSeconds(60)))) {
                later++;
            }
        }
        assertEquals(SourceRateLimiter.HANDSHAKE_BURST, later, "the bucket never holds more than the burst");
    }

    @Test
    void forgetsTheLeastRecentSourcesBeyondTheLimit() throws Exception {
        InetAddress first = InetAddress.getByName("198.18.0.1");
        for (int i = 0; i < SourceRateLimiter.HANDSHAKE_BURST; i++) {
            limiter.allow(first, start);
        }
        assertFalse(limiter.allow(first, start));
        byte[] raw = {(byte) 198, 19, 0, 0};
        for (int i = 0; i < SourceRateLimiter.MAX_SOURCES; i++) {
            raw[2] = (byte) (i >> 8);
            raw[3] = (byte) i;
            limiter.allow(InetAddress.getByAddress(raw), start);
        }
        assertTrue(limiter.allow(first, start), "forgotten, so it starts with a full bucket again");
    }

    @Test
    void refusalsAreLimitedToTenASecondPerAddress() throws Exception {
        SourceRateLimiter refusals = SourceRateLimiter.forRefusals();
        InetAddress peer = InetAddress.getByName("198.18.0.2");
        int allowed = 0;
        for (int i = 0; i < 100; i++) {
            if (refusals.allow(peer, start)) {
                allowed++;
            }
        }
        assertEquals(10, allowed);
        int nextSecond = 0;
        for (int i = 0; i < 100; i++) {
            if (refusals.allow(peer, start.plusSeconds(1))) {
                nextSecond++;
            }
        }
        assertEquals(10, nextSecond, "ten more once a second has passed, never more");
    }
}
