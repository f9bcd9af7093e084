package org.sacip.agent.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.LoggingEvent;
import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Journal lines ({@code <N>} priority, no time) and plain lines, for events made by logback itself, with a real
 * exception's trace: in journal mode not one line of a trace or of a multi-line message goes without the prefix.
 */
class AgentLogLayoutTest {
    private final LoggerContext context = new LoggerContext();
    private final Logger logger = context.getLogger("org.sacip.agent.handover.Handover");

    @Test
    void journalLinesCarryTheSyslogPriorityOfTheirLevel() {
        AgentLogLayout layout = started(true);
        assertEquals("<3>Handover: bad\n", layout.doLayout(event(Level.ERROR, "bad", null)));
        assertEquals("<4>Handover: odd\n", layout.doLayout(event(Level.WARN, "odd", null)));
        assertEquals("<6>Handover: move 198.18.1.2 -> 198.18.2.2\n",
                layout.doLayout(event(Level.INFO, "move {} -> {}", null, "198.18.1.2", "198.18.2.2")));
        assertEquals("<7>Handover: detail\n", layout.doLayout(event(Level.DEBUG, "detail", null)));
        assertEquals("<7>Handover: more\n", layout.doLayout(event(Level.TRACE, "more", null)));
    }

    @Test
    void everyLineOfATraceAndOfAMultiLineMessageIsPrefixed() {
        AgentLogLayout layout = started(true);
        IOException cause = new IOException("disk gone");
        IllegalStateException thrown = new IllegalStateException("cannot save\nstate", cause);
        String text = layout.doLayout(event(Level.ERROR, "first line\r\nsecond line", thrown));
        List<String> lines = text.lines().toList();
        assertTrue(lines.size() > 6, text);
        assertEquals(List.of("<3>Handover: first line", "<3>second line",
                "<3>java.lang.IllegalStateException: cannot save", "<3>state"), lines.subList(0, 4));
        for (String line : lines) {
            assertTrue(line.startsWith("<3>"), "a line without the prefix: '" + line + "' in\n" + text);
        }
        assertTrue(lines.stream().anyMatch(line -> line.startsWith("<3>\tat " + getClass().getName())), text);
        assertTrue(lines.contains("<3>Caused by: java.io.IOException: disk gone"), text);
        assertTrue(text.endsWith("\n") && !text.contains("\r"), text);
    }

    @Test
    void plainLinesCarryTimeLevelAndTheTraceBelow() {
        AgentLogLayout layout = started(false);
        String text = layout.doLayout(event(Level.WARN, "odd", new IllegalStateException("why")));
        List<String> lines = text.lines().toList();
        assertTrue(lines.get(0).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}(Z|[+-]\\d\\d:\\d\\d) "
                + "WARN  Handover: odd"), lines.get(0));
        assertEquals("java.lang.IllegalStateException: why", lines.get(1));
    }

    private AgentLogLayout started(boolean journal) {
        AgentLogLayout layout = new AgentLogLayout(journal);
        layout.setContext(context);
        layout.start();
        assertEquals(journal, layout.journal());
        return layout;
    }

    private LoggingEvent event(Level level, String message, Throwable thrown, Object... arguments) {
        return new LoggingEvent(Logger.class.getName(), logger, level, message, thrown, arguments);
    }
}
