package org.sacip.agent.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.security.SecureRandom;
import org.junit.jupiter.api.Test;

class WarmupTest {
    @Test
    void everyRehearsedKeyAgreementCompletesThroughTheCodecInBothFamilies() {
        // An odd count ends on IPv4 having done IPv6 too; a failure at any step (a message the decoder refuses, a MAC
        // or cookie that does not verify) stops the rehearsal and shows here as a short count.
        assertEquals(5, Warmup.rehearse(5, new SecureRandom()));
    }
}
