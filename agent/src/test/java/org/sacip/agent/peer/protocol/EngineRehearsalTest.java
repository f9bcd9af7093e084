package org.sacip.agent.peer.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.security.SecureRandom;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** The warm-up's rehearsal between two real engines in memory. */
class EngineRehearsalTest {
    @Test
    void everyRoundAgreesAKeyAndBindsBothConnectionsOnBothSidesWithoutAnInfoLineInTheAgentsLog() throws Exception {
        Logger keys = (Logger) LoggerFactory.getLogger(KeyAgreement.class);
        Level level = keys.getLevel();
        ListAppender<ILoggingEvent> logged = new ListAppender<>();
        logged.start();
        keys.addAppender(logged);
        keys.setLevel(Level.DEBUG);
        try {
            // An odd count ends on IPv4 having done IPv6 too; a round whose connections are not bound on both sides
            // (a message refused, a claim unanswered) shows as a short count.
            assertEquals(7, EngineRehearsal.rehearse(7, new SecureRandom()));
        } finally {
            keys.detachAppender(logged);
            keys.setLevel(level);
        }
        long agreed = logged.list.stream().filter(e -> e.getFormattedMessage().contains(" agreed with ")).count();
        assertEquals(14, agreed, "each round's key, on both sides: " + logged.list);
        assertEquals(0, logged.list.stream().filter(e -> e.getLevel().isGreaterOrEqual(Level.INFO)).count(),
                "a rehearsal logs nothing at info or above: " + logged.list);
    }
}
