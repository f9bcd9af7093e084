package org.sacip.agent.state;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;

/** The delay of snapshots that may wait: ten times their last cost, between the least wait and 30 s. */
class CostPacingTest {
    private static final Duration LEAST = Duration.ofMillis(100);

    @Test
    void aCheapViewIsPublishedAfterTheLeastWaitAnExpensiveOneTenTimesItsCostLater() {
        CostPacing pacing = new CostPacing(LEAST);
        assertEquals(LEAST, pacing.delay(), "nothing published yet");
        pacing.publish(() -> { });
        assertEquals(LEAST, pacing.delay(), "a view built in microseconds");
        pacing.publish(() -> {
            long until = System.nanoTime() + Duration.ofMillis(30).toNanos();
            while (System.nanoTime() < until) {
                LockSupport.parkNanos(until - System.nanoTime()); // may return early: wait out the rest
            }
        });
        assertTrue(pacing.delay().compareTo(Duration.ofMillis(300)) >= 0,
                "a view that took at least 30 ms waits at least 300 ms: " + pacing.delay());
    }

    @Test
    void aSnapshotWrittenToDiskCountsItsBuildingAndItsWriting() {
        CostPacing pacing = new CostPacing(LEAST);
        pacing.built(Duration.ofMillis(2).toNanos());
        pacing.written(Duration.ofMillis(3).toNanos());
        assertEquals(LEAST, pacing.delay(), "10 x 5 ms is below the least wait");
        pacing.built(Duration.ofMillis(70).toNanos());
        pacing.written(Duration.ofMillis(630).toNanos());
        assertEquals(Duration.ofSeconds(7), pacing.delay());
        pacing.written(Duration.ofMillis(30).toNanos());
        assertEquals(Duration.ofSeconds(1), pacing.delay(), "the last write counts, not the worst");
    }

    @Test
    void neverLongerThanThirtySeconds() {
        CostPacing pacing = new CostPacing(LEAST);
        pacing.written(Duration.ofSeconds(20).toNanos());
        assertEquals(CostPacing.MAX, pacing.delay());
        pacing.built(Long.MAX_VALUE);
        pacing.written(Long.MAX_VALUE);
        assertEquals(CostPacing.MAX, pacing.delay(), "no overflow");
    }
}
