package org.sacip.commands;

import java.util.List;

/** How a command ended: its exit status and everything it wrote to standard output and standard error. */
public record CommandResult(List<String> command, int exitCode, String stdout, String stderr) {
    public CommandResult {
        command = List.copyOf(command);
    }

    public boolean ok() {
        return exitCode == 0;
    }

    /** This result when the command exited 0; otherwise a {@link CommandException.Reason#FAILED} naming it. */
    public CommandResult requireSuccess() throws CommandException {
        if (ok()) {
            return this;
        }
        throw new CommandException(CommandException.Reason.FAILED, command, exitCode, stdout, stderr,
                "exited with status " + exitCode, null);
    }
}
