package org.sacip.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class EventuallyTest {
    private static final Duration SHORT = Duration.ofMillis(300);
    private static final Duration LONG = Duration.ofSeconds(30);

    @Test
    void returnsAsSoonAsTheConditionHoldsAndAsksNoMore() {
        AtomicInteger asked = new AtomicInteger();
        Eventually.await(LONG, () -> asked.incrementAndGet() == 3, () -> "the third question");
        assertEquals(3, asked.get());
    }

    @Test
    void returnsTheFirstAcceptedValue() {
        AtomicInteger counter = new AtomicInteger();
        int value = Eventually.await(LONG, counter::incrementAndGet, n -> n >= 4, () -> "a count of 4");
        assertEquals(4, value);
    }

    @Test
    void failsAfterTheLimitSayingWhatWasAwaitedAndWhatWasSeenLast() {
        long started = System.nanoTime();
        AssertionError e = assertThrows(AssertionError.class,
                () -> Eventually.await(SHORT, () -> "still 1", s -> s.equals("2"), () -> "the value 2"));
        assertTrue(Duration.ofNanos(System.nanoTime() - started).compareTo(SHORT) >= 0, "gave up early");
        assertEquals("gave up after 300 ms waiting for the value 2; last seen: still 1", e.getMessage());
    }

    @Test
    void theDescriptionIsTakenWhenTheWaitFails() {
        AtomicInteger asked = new AtomicInteger();
        AssertionError e = assertThrows(AssertionError.class, () -> Eventually.await(SHORT, () -> {
            asked.incrementAndGet();
            return false;
        }, () -> "a condition asked " + asked.get() + " times"));
        assertTrue(asked.get() >= 2, "asked again before giving up: " + asked.get());
        assertEquals("gave up after 300 ms waiting for a condition asked " + asked.get() + " times", e.getMessage());
    }

    @Test
    void anExceptionOfTheConditionEndsTheWaitAtOnce() {
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> Eventually.await(LONG, () -> {
            throw new IllegalStateException("the process exited");
        }, () -> "never"));
        assertEquals("the process exited", e.getMessage());
    }

    @Test
    void anInterruptEndsTheWaitAndStaysSet() {
        Thread.currentThread().interrupt();
        try {
            assertFalse(Eventually.within(LONG, () -> false));
            assertTrue(Thread.currentThread().isInterrupted());
        } finally {
            Thread.interrupted();
        }
    }
}
