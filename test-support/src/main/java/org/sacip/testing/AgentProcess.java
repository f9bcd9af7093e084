package org.sacip.testing;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import org.sacip.control.ControlClient;
import org.sacip.control.ControlCommand;
import org.sacip.control.ControlFailure;

/**
 * A SACIP agent run as a process in a network namespace ({@code ip netns exec NS LAUNCHER --control-socket SOCKET
 * --state-dir DIR ARGS...}), its output appended to a log file. Ready means answering on its control socket, not
 * merely having created the socket file; every failure message ends with the tail of the log, so the agent's own
 * account of what went wrong reaches the test report even after a temporary directory is gone. {@link #close()}
 * kills quietly and never throws, so it is safe in try-with-resources and {@code finally}, where an assertion would
 * hide the first failure.
 */
public final class AgentProcess implements AutoCloseable {
    /** How much of the log's end failure messages carry. */
    public static final int LOG_TAIL_CHARS = 4000;
    private static final Duration ANSWER_TIMEOUT = Duration.ofSeconds(2);
    private static final Duration KILL_WAIT = Duration.ofSeconds(10);

    private final Process process;
    private final List<String> command;
    private final Path socket;
    private final Path log;

    private AgentProcess(Process process, List<String> command, Path socket, Path log) {
        this.process = process;
        this.command = command;
        this.socket = socket;
        this.log = log;
    }

    /**
     * Starts the agent in the namespace and returns at once (see {@link #awaitReady}).
     *
     * @param launcher the program and its leading arguments, e.g. {@code [bin/sacip-agent]} or a {@code setpriv ...
     *        java -cp ... AgentMain} line
     * @param log the file the agent's standard output and error are appended to
     * @param arguments further agent arguments ({@code --config FILE}, ...)
     */
    public static AgentProcess start(String namespace, List<String> launcher, Path socket, Path stateDirectory,
            Path log, List<String> arguments) {
        return start(namespace, launcher, socket, stateDirectory, log, arguments, Map.of());
    }

    /**
     * As {@link #start(String, List, Path, Path, Path, List)}, with {@code environment} added to the agent's
     * environment (e.g. NOTIFY_SOCKET or JOURNAL_STREAM, as a service manager sets them).
     */
    public static AgentProcess start(String namespace, List<String> launcher, Path socket, Path stateDirectory,
            Path log, List<String> arguments, Map<String, String> environment) {
        Objects.requireNonNull(namespace, "namespace");
        // With the default handling of the signals a service manager sends, as systemd starts a service: a shell
        // that runs the tests in the background (nohup, `&` without job control) passes SIGHUP and SIGINT on
        // ignored, and the JVM then never sees them (no reload, no stop on SIGINT).
        List<String> command = new ArrayList<>(List.of("env", "--default-signal=HUP,INT,TERM", "ip", "netns", "exec",
                namespace));
        command.addAll(launcher);
        command.addAll(List.of("--control-socket", socket.toString(), "--state-dir", stateDirectory.toString()));
        command.addAll(arguments);
        try {
            // ip netns exec, setpriv and bin/sacip-agent all exec their successor: the process is the agent's JVM.
            ProcessBuilder builder = new ProcessBuilder(command);
            builder.environment().putAll(environment);
            Process process = builder.redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
            return new AgentProcess(process, List.copyOf(command), socket, log);
        } catch (IOException e) {
            throw new AgentProcessException(AgentProcessException.Reason.CANNOT_START,
                    "cannot start " + String.join(" ", command) + ": " + e.getMessage(), e);
        }
    }

    /**
     * Returns once the agent answers {@code {"v":1,"cmd":"version"}} on its control socket. Fails at once when the
     * agent exits meanwhile (with its exit status), and after {@code limit} when it never answers; both with the
     * log's tail.
     */
    public AgentProcess awaitReady(Duration limit) {
        String[] lastProblem = {"the socket does not exist yet"};
        boolean answered = Eventually.within(limit, () -> {
            if (!process.isAlive()) {
                throw new AgentProcessException(AgentProcessException.Reason.EXITED, "the agent exited with status "
                        + process.exitValue() + " before answering on " + socket + withLog(), null);
            }
            try {
                JsonNode reply = request(ControlCommand.VERSION);
                if (reply.path("ok").asBoolean(false)) {
                    return true;
                }
                lastProblem[0] = "it answered " + reply;
            } catch (ControlFailure e) {
                lastProblem[0] = e.getMessage();
            }
            return false;
        });
        if (Thread.currentThread().isInterrupted()) {
            close();
            throw new AgentProcessException(AgentProcessException.Reason.INTERRUPTED,
                    "interrupted while waiting for the agent on " + socket + "; killed it" + withLog(), null);
        }
        if (!answered) {
            throw new AgentProcessException(AgentProcessException.Reason.NO_ANSWER, "the agent did not answer on "
                    + socket + " within " + Eventually.text(limit) + " (" + lastProblem[0] + ")" + withLog(), null);
        }
        return this;
    }

    /** One control-socket request to this agent; the reply as the agent sent it (ok or error). */
    public JsonNode request(ControlCommand command) throws ControlFailure {
        return new ControlClient(socket, ANSWER_TIMEOUT).exchange(command);
    }

    /**
     * Sends SIGTERM and returns the agent's exit status once it has exited (0 after a clean stop). When it is still
     * running after {@code limit}, it is killed and this fails with the log's tail.
     */
    public int stop(Duration limit) {
        process.destroy();
        return awaitExit(limit, "SIGTERM");
    }

    /**
     * SIGKILL, as a crash would: no shutdown of any kind, state and socket file left behind. Returns the exit
     * status (137); fails when the process outlives {@code limit}.
     */
    public int kill(Duration limit) {
        process.destroyForcibly();
        return awaitExit(limit, "SIGKILL");
    }

    /**
     * Returns the exit status once the agent has exited (after a signal the test sent some other way); when it is
     * still running after {@code limit}, it is killed and this fails with the log's tail.
     */
    public int awaitExit(Duration limit) {
        return awaitExit(limit, "the signal");
    }

    private int awaitExit(Duration limit, String signal) {
        try {
            if (process.waitFor(limit.toNanos(), TimeUnit.NANOSECONDS)) {
                return process.exitValue();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            close();
            throw new AgentProcessException(AgentProcessException.Reason.INTERRUPTED,
                    "interrupted while waiting for the agent (pid " + pid() + ") to exit; killed it" + withLog(), e);
        }
        close();
        throw new AgentProcessException(AgentProcessException.Reason.DID_NOT_STOP, "the agent (pid " + pid()
                + ") still ran " + Eventually.text(limit) + " after " + signal + "; killed it" + withLog(), null);
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** The agent's pid: the JVM itself, since every launcher on the way execs its successor. */
    public long pid() {
        return process.pid();
    }

    public Path socket() {
        return socket;
    }

    public Path log() {
        return log;
    }

    public List<String> command() {
        return command;
    }

    /** The end of the agent's log (all of it when short), or why it cannot be read. */
    public String logTail() {
        try {
            String text = new String(Files.readAllBytes(log), StandardCharsets.UTF_8).strip();
            return text.length() <= LOG_TAIL_CHARS ? text : "..." + text.substring(text.length() - LOG_TAIL_CHARS);
        } catch (IOException e) {
            return "(no log at " + log + ": " + e.getMessage() + ")";
        }
    }

    private String withLog() {
        return "; agent log " + log + ":\n" + logTail();
    }

    /** SIGKILL to the agent and anything it started, then a bounded wait; never throws. */
    @Override
    public void close() {
        try {
            List<ProcessHandle> descendants = process.descendants().toList();
            process.destroyForcibly();
            descendants.forEach(ProcessHandle::destroyForcibly);
            process.waitFor(KILL_WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            // Closing runs while another failure is on its way out: it must not replace that failure.
        }
    }

    @Override
    public String toString() {
        return "agent pid " + pid() + " on " + socket;
    }
}
