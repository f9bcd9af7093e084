package org.sacip.agent.daemon;

import ch.qos.logback.classic.Level;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code systemctl reload} (SIGHUP): reads the config file again and applies what can change while the agent runs
 * ({@link ConfigChanges#LIVE}) without touching a remapped session; every other changed key is logged as needing a
 * restart. A file that does not pass the checks changes nothing: the running config stays and the log says why, one
 * {@code FILE:LINE: reason} line per problem.
 */
final class ConfigReload {
    private static final Logger LOG = LoggerFactory.getLogger(ConfigReload.class);

    private final Optional<Path> file;
    private final Optional<String> commandLineLevel;
    private AgentConfig running;

    /**
     * @param file             the config file the agent started with, if any
     * @param commandLineLevel {@code --log-level}, which wins over the file's log-level on every reload too
     * @param running          the config the agent started with
     */
    ConfigReload(Optional<Path> file, Optional<String> commandLineLevel, AgentConfig running) {
        this.file = file;
        this.commandLineLevel = commandLineLevel;
        this.running = running;
    }

    /** Sets the root log level (error, warn, info, debug or trace). */
    static void applyLogLevel(String level) {
        ((ch.qos.logback.classic.Logger) LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME))
                .setLevel(Level.toLevel(level, Level.INFO));
    }

    /** The config in effect: the one started with, with the live keys of the last good reload. */
    AgentConfig running() {
        return running;
    }

    /** Reads the file again and applies it to {@code agent}; returns whether the file was taken. */
    boolean reload(Agent agent) {
        if (file.isEmpty()) {
            LOG.info("reload: the agent was started without --config, so there is no file to read again");
            return true;
        }
        AgentConfig read;
        try {
            read = ConfigFile.read(file.get());
        } catch (ConfigException e) {
            for (String problem : e.problems()) {
                LOG.error("reload refused: {}", problem);
            }
            LOG.error("reload refused: {} has {} problem(s); the running config stays as it was", file.get(),
                    e.problems().size());
            return false;
        }
        List<String> changed = ConfigChanges.between(running, read);
        List<String> applied = new ArrayList<>();
        for (String key : changed) {
            if (!ConfigChanges.LIVE.contains(key)) {
                LOG.warn("reload: {} changed in {}; it takes effect at the next restart (until then the agent keeps "
                        + "{})", key.equals("*") ? "a setting" : key, file.get(), key.equals("*") ? "the old value"
                        : text(ConfigChanges.VALUES.get(key).apply(running)));
            } else if (key.equals("log-level") && commandLineLevel.isPresent()) {
                LOG.warn("reload: log-level changed in {}, but --log-level {} on the command line wins", file.get(),
                        commandLineLevel.get());
            } else {
                applied.add(key + " " + text(ConfigChanges.VALUES.get(key).apply(running)) + " -> "
                        + text(ConfigChanges.VALUES.get(key).apply(read)));
            }
        }
        running = running.withPeers(read.peers()).withLogLevel(read.logLevel());
        agent.reconfigure(running);
        if (commandLineLevel.isEmpty()) {
            applyLogLevel(running.logLevel());
        }
        if (applied.isEmpty()) {
            LOG.info("reloaded {}: nothing changed that applies while running", file.get());
        } else {
            LOG.info("reloaded {}: {}", file.get(), String.join(", ", applied));
        }
        return true;
    }

    /**
     * A value as the config file writes it: lists with spaces (an empty one is "all"), no group as "none", yes or no,
     * durations in their largest whole unit.
     */
    static String text(Object value) {
        if (value instanceof Collection<?> items) {
            return items.isEmpty() ? "all" : items.stream().map(String::valueOf).sorted()
                    .collect(Collectors.joining(" "));
        }
        if (value instanceof Optional<?> optional) {
            return optional.map(String::valueOf).orElse("none");
        }
        if (value instanceof Boolean yes) {
            return yes ? "yes" : "no";
        }
        if (value instanceof Duration duration) {
            long millis = duration.toMillis();
            return millis % 3_600_000 == 0 ? millis / 3_600_000 + "h" : millis % 60_000 == 0 ? millis / 60_000 + "m"
                    : millis % 1000 == 0 ? millis / 1000 + "s" : millis + "ms";
        }
        return String.valueOf(value);
    }
}
