package org.sacip.agent.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.Configurator;
import org.junit.jupiter.api.Test;

/**
 * The agent's own logging set-up steps aside for a logback-test.xml, as here (the agent's log lines themselves are
 * checked on real agents: AgentLogLayoutTest, and the lab's JournalLogTest in plain and journal mode).
 */
class AgentLoggingTest {
    @Test
    void aLogbackTestXmlOnTheClassPathWins() {
        LoggerContext context = new LoggerContext();
        AgentLogging logging = new AgentLogging();
        logging.setContext(context);
        assertEquals(Configurator.ExecutionStatus.INVOKE_NEXT_IF_ANY, logging.configure(context));
        assertFalse(context.getLogger(Logger.ROOT_LOGGER_NAME).iteratorForAppenders().hasNext());
    }
}
