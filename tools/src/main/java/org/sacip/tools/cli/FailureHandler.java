package org.sacip.tools.cli;

import java.io.PrintWriter;

import org.sacip.control.ControlFailure;

import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.ParseResult;

/** A failed command: one line on stderr and the exit status of its kind; never a stack trace. */
final class FailureHandler implements IExecutionExceptionHandler {
    private final PrintWriter err;

    FailureHandler(PrintWriter err) {
        this.err = err;
    }

    @Override
    public int handleExecutionException(Exception ex, CommandLine command, ParseResult parseResult) {
        return report(ex);
    }

    /** Prints the one line for {@code ex} and returns the exit status of its kind. */
    int report(Exception ex) {
        if (ex instanceof ControlFailure failure) {
            err.println("sacipctl: " + failure.getMessage());
            err.flush();
            return ExitCode.of(failure.kind());
        }
        err.println("sacipctl: unexpected error: " + ex);
        err.flush();
        return ExitCode.AGENT_ERROR;
    }
}
