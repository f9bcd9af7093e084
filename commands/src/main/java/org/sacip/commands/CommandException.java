package org.sacip.commands;

import java.util.List;
import java.util.OptionalInt;

/**
 * A command could not be run to a successful end. The message is one sentence naming the command and what went
 * wrong, followed by the end of its standard output and standard error (when it wrote anything).
 */
public final class CommandException extends Exception {
    private static final long serialVersionUID = 1L;
    /** How much of each stream's end the message shows. */
    static final int TAIL_CHARS = 2000;

    /** What went wrong. */
    public enum Reason {
        /** The program is missing or not executable, or no process could be made. */
        CANNOT_START,
        /** The deadline passed; the command and its children were killed. */
        TIMED_OUT,
        /** The command ran to its end with a non-zero exit status. */
        FAILED,
        /** The calling thread was interrupted; the command and its children were killed. */
        INTERRUPTED
    }

    private final Reason reason;
    private final List<String> command;
    private final Integer exitCode;
    private final String stdoutTail;
    private final String stderrTail;

    CommandException(Reason reason, List<String> command, Integer exitCode, String stdout, String stderr,
            String what, Throwable cause) {
        super(message(command, what, tail(stdout), tail(stderr)), cause);
        this.reason = reason;
        this.command = List.copyOf(command);
        this.exitCode = exitCode;
        this.stdoutTail = tail(stdout);
        this.stderrTail = tail(stderr);
    }

    public Reason reason() {
        return reason;
    }

    public List<String> command() {
        return command;
    }

    /** The exit status when the command ran to its end. */
    public OptionalInt exitCode() {
        return exitCode == null ? OptionalInt.empty() : OptionalInt.of(exitCode);
    }

    /** The end of what the command wrote to standard output, stripped. */
    public String stdoutTail() {
        return stdoutTail;
    }

    /** The end of what the command wrote to standard error, stripped. */
    public String stderrTail() {
        return stderrTail;
    }

    private static String message(List<String> command, String what, String stdout, String stderr) {
        StringBuilder message = new StringBuilder(String.join(" ", command)).append(' ').append(what);
        if (!stderr.isEmpty()) {
            message.append("; stderr: ").append(stderr);
        }
        if (!stdout.isEmpty()) {
            message.append("; stdout: ").append(stdout);
        }
        return message.toString();
    }

    static String tail(String text) {
        String stripped = text == null ? "" : text.strip();
        return stripped.length() <= TAIL_CHARS ? stripped
                : "..." + stripped.substring(stripped.length() - TAIL_CHARS);
    }
}
