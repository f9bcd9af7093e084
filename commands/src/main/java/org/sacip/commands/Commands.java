package org.sacip.commands;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * Runs an external command ({@code ip}, {@code nft}, {@code nsenter}, ...) to its end with a deadline that really
 * fires: standard output and standard error are drained on their own threads and the input is written on a third,
 * so neither a full pipe nor a command that never reads or never exits can block the caller past the deadline. At
 * the deadline the command and every process it started are killed. Failures are {@link CommandException}s that
 * name the command and show the end of both output streams.
 */
public final class Commands {
    // The JDK ends a process's streams once it exits (it drains and closes the pipes even when a child left in the
    // background still holds them), so after the exit the readers finish within this grace.
    private static final Duration PIPE_GRACE = Duration.ofSeconds(2);
    private static final Duration KILL_WAIT = Duration.ofSeconds(5);

    private Commands() {
    }

    /** Runs the command with its standard input closed; see {@link #run(List, String, Duration)}. */
    public static CommandResult run(List<String> command, Duration limit) throws CommandException {
        return run(command, null, limit);
    }

    /**
     * Runs the command with {@code input} (UTF-8; null for none) on its standard input and returns how it ended,
     * whatever its exit status ({@link CommandResult#requireSuccess()} turns a non-zero status into an exception).
     *
     * @throws CommandException the command cannot be started, did not finish within {@code limit} (it and its
     *         children are killed), or the calling thread was interrupted (same)
     */
    public static CommandResult run(List<String> command, String input, Duration limit) throws CommandException {
        List<String> argv = List.copyOf(command);
        if (argv.isEmpty()) {
            throw new IllegalArgumentException("empty command");
        }
        Objects.requireNonNull(limit, "limit");
        long deadline = System.nanoTime() + limit.toNanos();
        Process process;
        try {
            process = new ProcessBuilder(argv).start();
        } catch (IOException | RuntimeException e) {
            throw new CommandException(CommandException.Reason.CANNOT_START, argv, null, "", "",
                    "could not be started: " + e.getMessage(), e);
        }
        StreamCapture stdout = StreamCapture.start(process.getInputStream(), argv.get(0) + "-stdout");
        StreamCapture stderr = StreamCapture.start(process.getErrorStream(), argv.get(0) + "-stderr");
        Thread feeder = feed(process, input, argv.get(0) + "-stdin");
        try {
            if (!process.waitFor(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
                killTree(process);
                awaitOutputs(stdout, stderr);
                throw failure(CommandException.Reason.TIMED_OUT, argv, null, stdout, stderr,
                        "did not finish within " + Durations.text(limit) + "; killed it and its child processes");
            }
            long pipesDue = Math.max(deadline, System.nanoTime() + PIPE_GRACE.toNanos());
            if (!stdout.awaitEnd(pipesDue) || !stderr.awaitEnd(pipesDue)) {
                // Defensive: the JDK should have ended both streams when the command exited.
                throw failure(CommandException.Reason.TIMED_OUT, argv, process.exitValue(), stdout, stderr,
                        "exited, but a process it started kept its output open past the deadline");
            }
            feeder.join(TimeUnit.NANOSECONDS.toMillis(PIPE_GRACE.toNanos()));
            return new CommandResult(argv, process.exitValue(), stdout.text(), stderr.text());
        } catch (InterruptedException e) {
            killTree(process);
            Thread.currentThread().interrupt();
            throw failure(CommandException.Reason.INTERRUPTED, argv, null, stdout, stderr,
                    "was interrupted while running; killed it and its child processes");
        }
    }

    /** After a kill the pipes close; their last bytes make the message's tails complete. */
    private static void awaitOutputs(StreamCapture stdout, StreamCapture stderr) throws InterruptedException {
        long due = System.nanoTime() + PIPE_GRACE.toNanos();
        stdout.awaitEnd(due);
        stderr.awaitEnd(due);
    }

    private static CommandException failure(CommandException.Reason reason, List<String> argv, Integer exitCode,
            StreamCapture stdout, StreamCapture stderr, String what) {
        return new CommandException(reason, argv, exitCode, stdout.text(), stderr.text(), what, null);
    }

    /** Writes the input on its own thread and closes the pipe: a command that never reads cannot block us. */
    private static Thread feed(Process process, String input, String name) {
        Thread feeder = new Thread(() -> {
            try (OutputStream in = process.getOutputStream()) {
                if (input != null) {
                    in.write(input.getBytes(StandardCharsets.UTF_8));
                }
            } catch (IOException closedEarly) {
                // The command exited or closed its input without reading all of it; its exit status and output
                // say why, and the caller judges those.
            }
        }, name);
        feeder.setDaemon(true);
        feeder.start();
        return feeder;
    }

    /**
     * SIGKILL to the command and every descendant, children first seen before the parent dies (a dead parent's
     * children are re-parented and no longer found), then waits for the command itself to be reaped.
     */
    static void killTree(Process process) {
        List<ProcessHandle> descendants = process.descendants().toList();
        process.destroyForcibly();
        descendants.forEach(ProcessHandle::destroyForcibly);
        try {
            process.waitFor(KILL_WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
