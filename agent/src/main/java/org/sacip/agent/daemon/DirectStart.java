package org.sacip.agent.daemon;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The agent's everyday start lines, read without building picocli's command model: only {@code --config},
 * {@code --control-socket}, {@code --state-dir} and {@code --log-level}, each at most once, as {@code --option VALUE}
 * or {@code --option=VALUE}. Reading {@link AgentMain}'s annotations was about 150 ms of the agent's start (picocli's
 * classes are too old a class-file version for the class-data archive, and it builds annotation proxies). These lines
 * make the same {@link AgentMain} picocli would, defaults included. Anything else (help, version, --check-config,
 * --remove-kernel-state, a repeated or unknown option, an option without its value, a value that is empty, looks like
 * an option or an argument file, or is no path) is left to picocli, which parses it and reports its errors.
 */
final class DirectStart {
    private static final Set<String> OPTIONS = Set.of("--config", "--control-socket", "--state-dir", "--log-level");

    private DirectStart() {
    }

    /** The agent to start, or empty when picocli must parse the line. */
    static Optional<AgentMain> parse(String... args) {
        Map<String, String> values = new HashMap<>();
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            String option;
            String value;
            int equals = arg.indexOf('=');
            if (equals > 0 && OPTIONS.contains(arg.substring(0, equals))) {
                option = arg.substring(0, equals);
                value = arg.substring(equals + 1);
            } else if (OPTIONS.contains(arg) && i + 1 < args.length) {
                option = arg;
                value = args[++i];
            } else {
                return Optional.empty();
            }
            // "@FILE" is an argument file to picocli.
            if (value.isEmpty() || value.startsWith("-") || value.startsWith("@")
                    || values.putIfAbsent(option, value) != null) {
                return Optional.empty();
            }
        }
        try {
            return Optional.of(new AgentMain(path(values.get("--config")),
                    Path.of(values.getOrDefault("--control-socket", AgentMain.DEFAULT_CONTROL_SOCKET)),
                    Path.of(values.getOrDefault("--state-dir", AgentMain.DEFAULT_STATE_DIRECTORY)),
                    values.get("--log-level")));
        } catch (InvalidPathException e) {
            return Optional.empty();
        }
    }

    private static Path path(String value) {
        return value == null ? null : Path.of(value);
    }
}
