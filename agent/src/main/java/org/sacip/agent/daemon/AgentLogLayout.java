package org.sacip.agent.daemon;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.PatternLayout;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.LayoutBase;

/**
 * The agent's log lines. On a terminal or in a file: {@code 2026-12-03T20:15:00.123Z INFO  Agent: message}, an
 * exception's trace below it. When standard error is systemd's journal ({@link JournalStream}): every line starts
 * with its syslog priority, {@code <3>} error, {@code <4>} warn, {@code <6>} info, {@code <7>} debug and trace, and
 * carries no time (the journal stamps each entry itself); a message or trace of several lines gives several lines,
 * each with the prefix, so none reaches the journal at the wrong priority. Decided once, when logging starts.
 */
public final class AgentLogLayout extends LayoutBase<ILoggingEvent> {
    static final String PLAIN_PATTERN = "%d{yyyy-MM-dd'T'HH:mm:ss.SSSXXX} %-5level %logger{0}: %msg%n";

    private final PatternLayout plain = new PatternLayout();
    private final Boolean forced;
    private boolean journal;

    /** As logback makes it: journal lines when JOURNAL_STREAM names standard error. */
    public AgentLogLayout() {
        this(null);
    }

    /** With the choice made by the caller ({@code null}: from the environment, as logback's). */
    AgentLogLayout(Boolean journal) {
        this.forced = journal;
    }

    @Override
    public void start() {
        journal = forced != null ? forced : JournalStream.isStandardError(System.getenv());
        plain.setContext(getContext());
        plain.setPattern(PLAIN_PATTERN);
        plain.start();
        super.start();
    }

    @Override
    public void stop() {
        plain.stop();
        super.stop();
    }

    /** Whether lines go to the journal with priority prefixes. */
    public boolean journal() {
        return journal;
    }

    @Override
    public String doLayout(ILoggingEvent event) {
        if (!journal) {
            return plain.doLayout(event);
        }
        String prefix = "<" + priority(event.getLevel()) + ">";
        String logger = event.getLoggerName();
        StringBuilder text = new StringBuilder(logger.substring(logger.lastIndexOf('.') + 1)).append(": ")
                .append(event.getFormattedMessage());
        IThrowableProxy thrown = event.getThrowableProxy();
        if (thrown != null) {
            text.append('\n').append(ThrowableProxyUtil.asString(thrown));
        }
        StringBuilder out = new StringBuilder(text.length() + 16);
        for (String line : text.toString().split("\r?\n|\r")) {
            out.append(prefix).append(line).append('\n');
        }
        return out.toString();
    }

    /** syslog(3) priorities, as sd-daemon(3) prefixes them. */
    static int priority(Level level) {
        return switch (level.toInt()) {
            case Level.ERROR_INT -> 3;
            case Level.WARN_INT -> 4;
            case Level.INFO_INT -> 6;
            default -> 7;
        };
    }
}
