package org.sacip.agent.datapath;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * A clock the test moves by hand: the data path's grace periods ({@link DataPath#LINGER}) pass at once, without
 * waiting for them.
 */
final class TestClock extends Clock {
    private volatile Instant now;

    TestClock(Instant start) {
        this.now = start;
    }

    TestClock() {
        this(Instant.parse("2026-11-23T12:00:00Z"));
    }

    /** Moves the clock on by {@code step}. */
    synchronized void advance(Duration step) {
        now = now.plus(step);
    }

    /** Moves the clock past the data path's grace period. */
    void passLinger() {
        advance(DataPath.LINGER.plusSeconds(1));
    }

    @Override
    public Instant instant() {
        return now;
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        throw new UnsupportedOperationException("the data path needs no time zone");
    }
}
