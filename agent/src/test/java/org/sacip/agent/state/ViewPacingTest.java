package org.sacip.agent.state;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;

class ViewPacingTest {
    @Test
    void aCheapViewIsPublishedAfterTheLeastWaitAnExpensiveOneTenTimesItsCostLater() {
        ViewPacing pacing = new ViewPacing(Duration.ofMillis(100));
        assertEquals(Duration.ofMillis(100), pacing.delay(), "nothing published yet");
        pacing.publish(() -> { });
        assertEquals(Duration.ofMillis(100), pacing.delay(), "a view built in microseconds");
        pacing.publish(() -> {
            long until = System.nanoTime() + Duration.ofMillis(30).toNanos();
            while (System.nanoTime() < until) {
                LockSupport.parkNanos(until - System.nanoTime()); // may return early: wait out the rest
            }
        });
        assertTrue(pacing.delay().compareTo(Duration.ofMillis(300)) >= 0,
                "a view that took at least 30 ms waits at least 300 ms: " + pacing.delay());
    }
}
