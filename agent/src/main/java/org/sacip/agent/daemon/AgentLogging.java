package org.sacip.agent.daemon;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.encoder.LayoutWrappingEncoder;
import ch.qos.logback.core.spi.ContextAwareBase;

/**
 * The agent's logging, set up in code: every line to standard error through {@link AgentLogLayout}, the root at
 * info (the config file, {@code --log-level} and SIGHUP change it, {@link ConfigReload}), pcap4j at warn. Reading
 * the same set-up from a logback.xml (an XML parser and Joran's model) cost about 100 ms of the agent's start.
 * Logback finds this class through META-INF/services and runs it before its own configurators. A configuration
 * named by {@code -Dlogback.configurationFile}, or a logback-test.xml on the class path (the tests'), still wins:
 * then this one steps aside and logback reads that file as usual.
 */
public final class AgentLogging extends ContextAwareBase implements Configurator {
    static final String CONFIGURATION_FILE_PROPERTY = "logback.configurationFile";

    @Override
    public ExecutionStatus configure(LoggerContext context) {
        if (System.getProperty(CONFIGURATION_FILE_PROPERTY) != null
                || AgentLogging.class.getClassLoader().getResource("logback-test.xml") != null) {
            return ExecutionStatus.INVOKE_NEXT_IF_ANY;
        }
        AgentLogLayout layout = new AgentLogLayout();
        layout.setContext(context);
        layout.start();
        LayoutWrappingEncoder<ILoggingEvent> encoder = new LayoutWrappingEncoder<>();
        encoder.setContext(context);
        encoder.setLayout(layout);
        encoder.start();
        ConsoleAppender<ILoggingEvent> standardError = new ConsoleAppender<>();
        standardError.setContext(context);
        standardError.setName("STDERR");
        standardError.setTarget("System.err");
        standardError.setEncoder(encoder);
        standardError.start();
        context.getLogger("org.pcap4j").setLevel(Level.WARN);
        Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        root.setLevel(Level.INFO);
        root.addAppender(standardError);
        return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
    }
}
