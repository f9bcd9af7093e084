package org.sacip.agent.daemon;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicReference;
import org.sacip.agent.thread.PauseThreads;
import org.sacip.agent.tunnel.TunnelDataPlane;
import org.sacip.protocol.codec.WireFormat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code sacip-agent}: runs the agent of the current network namespace in the foreground until SIGTERM or
 * SIGINT (also when they come during start-up); SIGHUP reads the config file again (docs/AGENT.md, "Reload").
 * Under systemd it reports READY=1, STATUS=, RELOADING=1 and STOPPING=1 ({@link ServiceNotifier}). Exit status: 0
 * after a stop, 1 when the agent could not start, 2 for a usage or configuration error (including a state or socket
 * directory that others could write). With {@code --check-config FILE} it only checks the file: 0 when it is valid,
 * 2 with one {@code FILE:LINE: reason} line per problem on standard error; nothing else is looked at or touched.
 * With {@code --remove-kernel-state} it only removes what a stopped agent left in the kernel
 * ({@link KernelStateRemoval}).
 */
@Command(name = "sacip-agent", mixinStandardHelpOptions = true, versionProvider = AgentMain.Version.class,
        description = "Keeps TCP and UDP sessions alive across address changes of this host (SACIP).")
public final class AgentMain implements Callable<Integer> {
    static final String VERSION = "0.1.0";
    static final String DEFAULT_CONTROL_SOCKET = "/run/sacip/agent.sock";
    static final String DEFAULT_STATE_DIRECTORY = "/var/lib/sacip";

    @Option(names = "--config", paramLabel = "FILE", description = "Config file (key = value lines); "
            + "without it everything is managed with the defaults.")
    private Path config;

    @Option(names = "--control-socket", paramLabel = "PATH", defaultValue = DEFAULT_CONTROL_SOCKET,
            description = "Control socket for sacipctl (default: ${DEFAULT-VALUE}).")
    private Path controlSocket;

    @Option(names = "--state-dir", paramLabel = "DIR", defaultValue = DEFAULT_STATE_DIRECTORY,
            description = "Keys, peer state and moved sessions, mode 0700 (default: ${DEFAULT-VALUE}).")
    private Path stateDirectory;

    @Option(names = "--log-level", paramLabel = "LEVEL",
            description = "error, warn, info, debug or trace (overrides the config file; default info).")
    private String logLevel;

    @Option(names = "--check-config", paramLabel = "FILE", description = "Only check FILE (exit 0 when valid, 2 "
            + "with FILE:LINE: reason lines); starts nothing and touches nothing.")
    private Path checkConfig;

    @Option(names = "--remove-kernel-state", description = "With the agent stopped: remove what it added to the "
            + "kernel (its nftables tables, ghost addresses, routing rules and routes) and its saved moves, then "
            + "exit. Refused while the control socket answers. The package runs it when it is removed.")
    private boolean removeKernelState;

    /** For picocli, which sets the options. */
    public AgentMain() {
    }

    /** A start with these options, as {@link DirectStart} read them; {@code null}: not given. */
    AgentMain(Path config, Path controlSocket, Path stateDirectory, String logLevel) {
        this.config = config;
        this.controlSocket = controlSocket;
        this.stateDirectory = stateDirectory;
        this.logLevel = logLevel;
    }

    /** The options as set, in declaration order: for checking that two readings of a line agree. */
    List<Object> options() {
        return Arrays.asList(config, controlSocket, stateDirectory, logLevel, checkConfig, removeKernelState);
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"sacip-agent " + VERSION + " (SACIP protocol " + WireFormat.VERSION + ")"};
        }
    }

    public static void main(String[] args) {
        System.exit(run(args));
    }

    static int run(String[] args) {
        Optional<AgentMain> direct = DirectStart.parse(args);
        if (direct.isPresent()) {
            try {
                return direct.get().call();
            } catch (RuntimeException e) {
                // As picocli's execution exception handler below.
                System.err.println("sacip-agent: " + e.getMessage());
                return 1;
            }
        }
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
        if (checkConfig != null) {
            return checkConfig(checkConfig);
        }
        if (removeKernelState) {
            return removeKernelState();
        }
        // First of all: a stop from here on (start-up included) is an orderly one, and SIGHUP does not end the agent.
        ServiceSignals signals = ServiceSignals.install();
        AgentConfig settings;
        try {
            settings = config == null ? AgentConfig.defaults() : ConfigFile.read(config);
            if (logLevel != null) {
                ConfigFile.logLevel(logLevel);
            }
        } catch (ConfigException e) {
            e.problems().forEach(AgentMain::tellOperator);
            return 2;
        }
        ConfigReload reload = new ConfigReload(Optional.ofNullable(config), Optional.ofNullable(logLevel), settings);
        ConfigReload.applyLogLevel(logLevel != null ? logLevel : settings.logLevel());
        Logger log = LoggerFactory.getLogger(AgentMain.class);
        log.info("sacip-agent {} starting (pid {})", VERSION, ProcessHandle.current().pid());
        // Before any work that allocates much: a collection in the first key agreement must not wait for a core.
        PauseThreads.raise();
        StartupSteps steps = new StartupSteps();
        try (ServiceNotifier notifier = ServiceNotifier.fromEnvironment(System.getenv())) {
            AtomicReference<ServiceStatus> status = new AtomicReference<>();
            Optional<AgentDaemon> started;
            try {
                started = AgentDaemon.start(settings, stateDirectory, controlSocket, signals::stopRequested, () -> {
                    ServiceStatus current = status.get();
                    if (current != null) {
                        current.changed();
                    }
                }, steps);
            } catch (AgentStartException e) {
                notifier.status("cannot start: " + e.getMessage());
                if (e.reason() == AgentStartException.Reason.CONFIGURATION) {
                    // As for a bad config file: one line for the operator, exit 2.
                    tellOperator(e.getMessage());
                    return 2;
                }
                log.error("cannot start: {}", e.getMessage());
                tellOperator("cannot start: " + e.getMessage());
                return 1;
            }
            if (started.isEmpty()) {
                notifier.stopping();
                log.info("stop requested during start-up: stopped before serving; remapped sessions keep working");
                return 0;
            }
            AgentDaemon daemon = started.get();
            try (ServiceStatus counts = ServiceStatus.start(daemon.agent(), notifier)) {
                status.set(counts);
                // The control socket listens and its thread accepts: a client connecting from now on is answered.
                notifier.ready(counts.current());
                log.info("{}", steps.summary());
                // The first session's key agreement and the first move must not pay for loading classes and crypto
                // providers. Only once ready: on two cores, warming up during start-up delayed ready by some 80 ms.
                Warmup.start(() -> {
                    TunnelDataPlane tunnel = daemon.agent().tunnelPlane();
                    return tunnel == null ? -1 : tunnel.rehearseOnce();
                });
                if (signals.stopRequested()) {
                    log.info("stop requested during start-up: stopping now that start-up is complete");
                }
                try (HeapTrim heapTrim = HeapTrim.start()) {
                    serve(signals, reload, daemon, notifier, counts, log);
                }
                notifier.stopping();
                log.info("stopping; remapped sessions keep working");
            } finally {
                daemon.close();
            }
            return 0;
        }
    }

    /** Until a stop is requested: reloads on SIGHUP, each between RELOADING=1 and READY=1. */
    private static void serve(ServiceSignals signals, ConfigReload reload, AgentDaemon daemon,
            ServiceNotifier notifier, ServiceStatus counts, Logger log) {
        try {
            while (signals.next() == ServiceSignals.Request.RELOAD) {
                notifier.reloading();
                log.info("SIGHUP: reading the config again");
                reload.reload(daemon.agent());
                notifier.ready(counts.current());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * One line on standard error for whoever started the agent; an error in the journal's terms when stderr is the
     * journal (as the log's lines, see {@link AgentLogLayout}).
     */
    private static void tellOperator(String problem) {
        String priority = JournalStream.isStandardError(System.getenv()) ? "<3>" : "";
        System.err.println(priority + "sacip-agent: " + problem);
    }

    /** {@code --check-config}: reads the file and nothing else (no logging set-up, no socket, no state). */
    private static int checkConfig(Path file) {
        try {
            ConfigFile.read(file);
            return 0;
        } catch (ConfigException e) {
            // FILE:LINE: reason, as compilers write it, so editors can jump to the line.
            e.problems().forEach(System.err::println);
            return 2;
        }
    }

    /** The one-shot --remove-kernel-state: 0 when done, 1 when refused or the kernel failed, 2 for a bad config. */
    private int removeKernelState() {
        AgentConfig settings;
        try {
            settings = config == null ? AgentConfig.defaults() : ConfigFile.read(config);
        } catch (ConfigException e) {
            System.err.println("sacip-agent: " + e.getMessage());
            return 2;
        }
        try {
            System.out.println("sacip-agent: " + KernelStateRemoval.run(settings, stateDirectory, controlSocket));
            return 0;
        } catch (KernelStateRemoval.RemovalException e) {
            System.err.println("sacip-agent: " + e.getMessage());
            return 1;
        }
    }
}
