package org.sacip.tools.cli;

import java.io.PrintWriter;


import picocli.CommandLine;
import picocli.CommandLine.IParameterExceptionHandler;
import picocli.CommandLine.ParameterException;

/** A usage error: picocli's message on one line, then where to find help. No usage dump, no trace. */
final class UsageErrorHandler implements IParameterExceptionHandler {
    private final PrintWriter err;

    UsageErrorHandler(PrintWriter err) {
        this.err = err;
    }

    @Override
    public int handleParseException(ParameterException ex, String[] args) {
        CommandLine command = ex.getCommandLine();
        String message = String.valueOf(ex.getMessage()).replaceAll("\\s*\\R\\s*", " ").strip();
        err.println("sacipctl: " + message);
        err.println("Try '" + command.getCommandSpec().qualifiedName() + " --help' for more information.");
        err.flush();
        return ExitCode.USAGE;
    }
}
