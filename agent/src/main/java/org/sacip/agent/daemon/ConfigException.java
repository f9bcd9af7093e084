package org.sacip.agent.daemon;

import java.util.List;

/**
 * The config file or a command-line value is not usable; the message says where and why. A file with several bad
 * lines gives one problem per line ({@code FILE:LINE: reason}), in the order of the lines.
 */
public final class ConfigException extends Exception {
    private static final long serialVersionUID = 1L;

    private final List<String> problems;

    public ConfigException(String message) {
        this(List.of(message));
    }

    public ConfigException(List<String> problems) {
        super(String.join("\n", problems));
        if (problems.isEmpty()) {
            throw new IllegalArgumentException("a config exception without a problem");
        }
        this.problems = List.copyOf(problems);
    }

    /** Each problem on its own, one line each. */
    public List<String> problems() {
        return problems;
    }
}
