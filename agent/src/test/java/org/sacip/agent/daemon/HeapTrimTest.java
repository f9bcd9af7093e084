package org.sacip.agent.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class HeapTrimTest {
    private static final long MIB = 1L << 20;

    private final AtomicLong committed = new AtomicLong(40 * MIB);
    private final AtomicInteger asked = new AtomicInteger();
    private final AtomicInteger allocatorTrims = new AtomicInteger();

    @Test
    void aHeapThatGrewByABurstIsTrimmedOnceItSettles() {
        try (HeapTrim trim = trim(160 * MIB)) {
            committed.set(276 * MIB);
            trim.collected(30 * MIB);
            assertTrue(trim.settled(1));
            assertEquals(1, asked.get());
        }
    }

    @Test
    void growthUnderTheThresholdIsLeftToTheCollector() {
        try (HeapTrim trim = trim(200 * MIB)) {
            committed.set(40 * MIB + HeapTrim.GROWTH_OCTETS - MIB);
            trim.collected(30 * MIB);
            assertFalse(trim.settled(1));
            assertEquals(1, allocatorTrims.get(), "the allocator is trimmed whenever the heap settles");
            committed.set(40 * MIB + HeapTrim.GROWTH_OCTETS);
            trim.collected(30 * MIB);
            assertTrue(trim.settled(2), "exactly the threshold");
        }
    }

    @Test
    void aHeapThatHoldsOnlyLiveDataCostsOneCyclePerGrowth() {
        // The cycle gives nothing back: everything in the heap is live (sessions that opened), 150 of 200 MiB in use.
        try (HeapTrim trim = trim(-1)) {
            committed.set(200 * MIB);
            trim.collected(150 * MIB);
            assertTrue(trim.settled(1));
            trim.collected(150 * MIB);
            assertFalse(trim.settled(2), "no growth since the last trim, and no garbage freed since");
            committed.set(200 * MIB + HeapTrim.GROWTH_OCTETS);
            trim.collected(180 * MIB);
            assertTrue(trim.settled(3), "another burst");
            assertEquals(2, asked.get());
        }
    }

    @Test
    void growthCountsFromWhereTheCollectorShrankTheHeapByItself() {
        try (HeapTrim trim = trim(-1)) {
            committed.set(20 * MIB);
            trim.collected(30 * MIB);
            assertFalse(trim.settled(1));
            committed.set(20 * MIB + HeapTrim.GROWTH_OCTETS);
            trim.collected(30 * MIB);
            assertTrue(trim.settled(2));
        }
    }

    @Test
    void aTrimAfterGrowthGetsOneMoreOnceTheCollectionsSinceTookTheBurstsGarbage() {
        try (HeapTrim trim = trim(262 * MIB)) {
            committed.set(310 * MIB);
            trim.collected(200 * MIB);
            assertTrue(trim.settled(1), "growth");
            // The cycle left 262 MiB, then mixed collections took the move's garbage: 110 MiB in use.
            trim.collected(110 * MIB);
            assertTrue(trim.settled(2), "the follow-up");
            trim.collected(110 * MIB);
            assertFalse(trim.settled(3), "one follow-up, not one per quiet spell");
            assertEquals(2, asked.get());
        }
    }

    @Test
    void aTrimWithoutGrowthGetsNoFollowUp() {
        committed.set(100 * MIB);
        try (HeapTrim trim = trim(-1)) {
            trim.collected(40 * MIB);
            assertFalse(trim.settled(1), "2.5 times what is in use, but no growth and no trim before");
            assertEquals(0, asked.get());
        }
    }

    @Test
    void aCollectionThatChangedTheHeapPostponesTheCheck() {
        try (HeapTrim trim = trim(100 * MIB)) {
            committed.set(200 * MIB);
            trim.collected(30 * MIB);
            committed.set(276 * MIB);
            trim.collected(30 * MIB);
            assertFalse(trim.settled(1), "the first collection's check, with the heap grown since");
            assertEquals(0, allocatorTrims.get());
            assertTrue(trim.settled(2));
            assertEquals(1, allocatorTrims.get());
        }
    }

    @Test
    void collectionsThatLeaveTheHeapAsItWasDoNotPutTheCheckOff() {
        // A busy agent collects every few seconds: the check still comes QUIET after the first of them.
        try (HeapTrim trim = trim(100 * MIB)) {
            committed.set(276 * MIB);
            for (int i = 0; i < 5; i++) {
                trim.collected(30 * MIB);
            }
            assertTrue(trim.settled(1));
            // The cycle left 100 MiB, 70 of them in use: nothing for a follow-up either.
            trim.collected(70 * MIB);
            assertFalse(trim.settled(1), "a check runs once");
            assertFalse(trim.settled(2), "the next one: no growth since");
            assertEquals(2, allocatorTrims.get());
        }
    }

    @Test
    void thisJvmsCollectionsReachTheTrim() throws InterruptedException {
        try (HeapTrim trim = HeapTrim.start()) {
            assertNotNull(trim, "the JVM's collectors send notifications");
            long deadline = System.nanoTime() + 10_000_000_000L;
            System.gc();
            // Notifications come on the JVM's notification thread, after the collection.
            while (trim.collectionsSeen() == 0 && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertTrue(trim.collectionsSeen() > 0, "no collection was seen within 10 s");
        }
    }

    /** A trim over the fake heap; its cycle leaves {@code leaves} octets committed (-1: what was there). */
    private HeapTrim trim(long leaves) {
        return new HeapTrim(committed::get, () -> {
            asked.incrementAndGet();
            if (leaves >= 0) {
                committed.set(leaves);
            }
        }, allocatorTrims::incrementAndGet, Set.of("G1 Old Gen"));
    }
}
