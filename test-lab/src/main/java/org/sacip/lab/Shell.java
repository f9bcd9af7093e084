package org.sacip.lab;

import java.time.Duration;
import java.util.List;
import org.sacip.commands.CommandException;
import org.sacip.commands.CommandResult;
import org.sacip.commands.Commands;

/**
 * Runs short commands (ip, sysctl, nft) and fails loudly, naming the command with the end of its output, when they
 * fail or hang (a hung command is killed at the deadline).
 */
public final class Shell {
    private static final Duration LIMIT = Duration.ofSeconds(30);

    private Shell() {
    }

    /** Runs the command and returns its output; throws when it exits non-zero. */
    public static String run(List<String> command) {
        try {
            return tryRun(command).requireSuccess().stdout();
        } catch (CommandException e) {
            throw new LabException("command failed: " + e.getMessage(), e);
        }
    }

    public static String run(String... command) {
        return run(List.of(command));
    }

    /**
     * Runs the command and returns its outcome whatever the exit code (for cleanup, which must go on); throws only
     * when it cannot start or does not finish in time.
     */
    public static CommandResult tryRun(List<String> command) {
        try {
            return Commands.run(command, LIMIT);
        } catch (CommandException e) {
            throw new LabException(e.getMessage(), e);
        }
    }
}
