package org.sacip.agent.tunnel;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.security.SecureRandom;
import org.junit.jupiter.api.Test;

class TunnelRehearsalTest {
    @Test
    void everyRehearsedDatagramOpensWhole() {
        // A datagram the opener refuses (tag, counter) or opens to another length shows here as a short count.
        assertEquals(20, TunnelRehearsal.run(20, new SecureRandom()));
    }
}
