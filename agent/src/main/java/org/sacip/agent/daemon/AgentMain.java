package org.sacip.agent.daemon;

import ch.qos.logback.classic.Level;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code sacip-agent}: runs the agent of the current network namespace in the foreground until SIGTERM or
 * SIGINT. Exit status: 0 after a normal stop, 1 when the agent could not start, 2 for a usage or config error.
 */
@Command(name = "sacip-agent", mixinStandardHelpOptions = true, versionProvider = AgentMain.Version.class,
        description = "Keeps TCP and UDP sessions alive across address changes of this host (SACIP).")
public final class AgentMain implements Callable<Integer> {
    static final String VERSION = "0.1.0";

    @Option(names = "--config", paramLabel = "FILE", description = "Config file (key = value lines); "
            + "without it everything is managed with the defaults.")
    private Path config;

    @Option(names = "--control-socket", paramLabel = "PATH", defaultValue = "/run/sacip/agent.sock",
            description = "Control socket for sacipctl (default: ${DEFAULT-VALUE}).")
    private Path controlSocket;

    @Option(names = "--state-dir", paramLabel = "DIR", defaultValue = "/var/lib/sacip",
            description = "Keys, peer state and moved sessions, mode 0700 (default: ${DEFAULT-VALUE}).")
    private Path stateDirectory;

    @Option(names = "--log-level", paramLabel = "LEVEL",
            description = "error, warn, info, debug or trace (overrides the config file; default info).")
    private String logLevel;

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"sacip-agent " + VERSION + " (SACIP protocol 1)"};
        }
    }

    public static void main(String[] args) {
        System.exit(run(args));
    }

    static int run(String[] args) {
        CommandLine line = new CommandLine(new AgentMain());
        line.setParameterExceptionHandler((e, arguments) -> {
            PrintWriter err = e.getCommandLine().getErr();
            err.println("sacip-agent: " + e.getMessage());
            err.println("Try 'sacip-agent --help' for more information.");
            err.flush();
            return 2;
        });
        line.setExecutionExceptionHandler((e, cmd, parsed) -> {
            cmd.getErr().println("sacip-agent: " + e.getMessage());
            return 1;
        });
        return line.execute(args);
    }

    @Override
    public Integer call() {
        AgentConfig settings;
        try {
            settings = config == null ? AgentConfig.defaults() : ConfigFile.read(config);
            if (logLevel != null) {
                ConfigFile.logLevel(logLevel);
            }
        } catch (ConfigException e) {
            System.err.println("sacip-agent: " + e.getMessage());
            return 2;
        }
        String level = logLevel != null ? logLevel : settings.logLevel();
        ((ch.qos.logback.classic.Logger) LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME))
                .setLevel(Level.toLevel(level, Level.INFO));
        Logger log = LoggerFactory.getLogger(AgentMain.class);
        AgentDaemon daemon;
        try {
            daemon = AgentDaemon.start(settings, stateDirectory, controlSocket);
        } catch (AgentStartException e) {
            log.error("cannot start: {}", e.getMessage());
            System.err.println("sacip-agent: cannot start: " + e.getMessage());
            return 1;
        }
        // SIGTERM and SIGINT end the wait below, so a normal stop closes in order and exits 0 (the JVM's default
        // handling would exit 143, which service managers count as a failure).
        CountDownLatch stopRequested = new CountDownLatch(1);
        for (String signal : new String[] {"TERM", "INT"}) {
            sun.misc.Signal.handle(new sun.misc.Signal(signal), s -> stopRequested.countDown());
        }
        try {
            stopRequested.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        log.info("stopping; remapped sessions keep working");
        daemon.close();
        return 0;
    }
}
