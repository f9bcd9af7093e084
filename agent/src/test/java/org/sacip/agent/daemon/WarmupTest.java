package org.sacip.agent.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.security.SecureRandom;
import org.junit.jupiter.api.Test;

class WarmupTest {
    @Test
    void everyRehearsedKeyAgreementCompletesThroughTheCodecInBothFamilies() {
        // An odd count ends on IPv4 having done IPv6 too; a failure at any step (a message the decoder refuses, a MAC
        // or cookie that does not verify) stops the rehearsal and shows here as a short count.
        assertEquals(5, Warmup.rehearse(5, new SecureRandom()));
    }

    @Test
    void aSmallHeapIsCollectedAfterTheRehearsalAndALargeOneIsLeftToTheCollector() {
        long before = collections();
        assertTrue(Warmup.collectIfSmall(Warmup.COLLECTED_AT_MOST));
        assertTrue(collections() > before, "a collection ran");
        assertFalse(Warmup.collectIfSmall(Warmup.COLLECTED_AT_MOST + 1));
    }

    private static long collections() {
        return ManagementFactory.getGarbageCollectorMXBeans().stream()
                .mapToLong(GarbageCollectorMXBean::getCollectionCount).sum();
    }
}
