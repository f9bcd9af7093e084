package org.sacip.commands;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.sacip.testing.Eventually;

/**
 * Real commands through {@link Commands}: the deadline fires for a command that hangs (also one that never reads its
 * input), the command and its children die at it, full pipes cannot deadlock, and every failure names the command
 * with the end of its output. The class timeout only keeps a broken runner from hanging the build: a runner whose
 * deadline never fires would wait for sleep 600 until this timeout fails it.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class CommandsTest {
    private static final Duration LIMIT = Duration.ofSeconds(1);
    private static final Duration PATIENCE = Duration.ofSeconds(30);
    private static final Pattern CHILD = Pattern.compile("child (\\d+)");

    @Test
    void aHangingCommandAndItsChildAreKilledAtTheDeadlineAndTheErrorNamesTheCommand() throws Exception {
        List<String> command = List.of("sh", "-c", "sleep 600 & echo child $!; echo waiting >&2; wait");
        long started = System.nanoTime();
        CommandException e = assertThrows(CommandException.class, () -> Commands.run(command, LIMIT));
        Duration took = Duration.ofNanos(System.nanoTime() - started);

        assertEquals(CommandException.Reason.TIMED_OUT, e.reason());
        assertTrue(took.compareTo(LIMIT) >= 0, "returned before the deadline: " + took);
        assertTrue(e.getMessage().startsWith("sh -c sleep 600 & echo child $!; echo waiting >&2; wait did not "
                + "finish within 1 s; killed it and its child processes"), e.getMessage());
        assertTrue(e.getMessage().contains("stderr: waiting"), e.getMessage());
        assertEquals(command, e.command());
        assertTrue(e.exitCode().isEmpty(), "a killed command has no exit status of its own");
        long child = childPid(e.stdoutTail());
        Eventually.await(PATIENCE, () -> gone(child), () -> "the sleep started by the command (pid " + child
                + ") to die with it");
    }

    @Test
    void aCommandThatNeverReadsItsInputStillTimesOut() {
        // Far more than a pipe holds: writing it on the caller's thread would block there for good.
        String input = "x".repeat(4 << 20);
        CommandException e = assertThrows(CommandException.class,
                () -> Commands.run(List.of("sleep", "600"), input, LIMIT));
        assertEquals(CommandException.Reason.TIMED_OUT, e.reason());
        assertTrue(e.getMessage().startsWith("sleep 600 did not finish within 1 s"), e.getMessage());
    }

    @Test
    void bothStreamsAreDrainedTogetherSoLargeOutputsCannotDeadlock() throws Exception {
        CommandResult result = Commands.run(List.of("sh", "-c",
                "head -c 1000000 /dev/zero | tr '\\0' e >&2; head -c 1000000 /dev/zero | tr '\\0' o"), PATIENCE);
        assertTrue(result.ok(), result.toString().substring(0, 200));
        assertEquals("o".repeat(1_000_000), result.stdout());
        assertEquals("e".repeat(1_000_000), result.stderr());
    }

    @Test
    void theInputReachesTheCommandWhileItsOutputIsRead() throws Exception {
        String input = "line\n".repeat(400_000);
        CommandResult result = Commands.run(List.of("cat"), input, PATIENCE).requireSuccess();
        assertEquals(input, result.stdout());
    }

    @Test
    void aNonZeroExitIsAResultAndRequireSuccessNamesCommandStatusAndBothTails() throws Exception {
        CommandResult result = Commands.run(List.of("sh", "-c", "echo partial; echo 'no such table' >&2; exit 3"),
                PATIENCE);
        assertEquals(3, result.exitCode());
        assertFalse(result.ok());
        CommandException e = assertThrows(CommandException.class, result::requireSuccess);
        assertEquals(CommandException.Reason.FAILED, e.reason());
        assertEquals(3, e.exitCode().orElseThrow());
        assertEquals("sh -c echo partial; echo 'no such table' >&2; exit 3 exited with status 3; "
                + "stderr: no such table; stdout: partial", e.getMessage());
    }

    @Test
    void onlyTheEndOfALongOutputIsInTheMessage() {
        CommandException e = assertThrows(CommandException.class, () -> Commands.run(List.of("sh", "-c",
                "seq 1 100000 >&2; exit 1"), PATIENCE).requireSuccess());
        assertTrue(e.stderrTail().endsWith("99999\n100000"), e.stderrTail());
        assertTrue(e.stderrTail().length() <= CommandException.TAIL_CHARS + 3, "tail of " + e.stderrTail().length());
        assertTrue(e.getMessage().length() < 2 * CommandException.TAIL_CHARS, "message of " + e.getMessage().length());
    }

    @Test
    void aMissingProgramCannotStartAndIsNamed() {
        CommandException e = assertThrows(CommandException.class,
                () -> Commands.run(List.of("/nonexistent/sacip-no-such-program", "x"), PATIENCE));
        assertEquals(CommandException.Reason.CANNOT_START, e.reason());
        assertTrue(e.getMessage().startsWith("/nonexistent/sacip-no-such-program x could not be started: "),
                e.getMessage());
    }

    @Test
    void anInterruptedCallerKillsTheCommandAndKeepsItsInterruptStatus() throws Exception {
        Path pidFile = Files.createTempFile("sacip-commands", ".pid");
        try {
            CompletableFuture<Object> outcome = new CompletableFuture<>();
            Thread caller = new Thread(() -> {
                try {
                    Commands.run(List.of("sh", "-c", "echo $$ > " + pidFile + "; exec sleep 600"), PATIENCE);
                    outcome.complete("returned");
                } catch (CommandException e) {
                    outcome.complete(List.of(e.reason(), Thread.currentThread().isInterrupted()));
                }
            });
            caller.start();
            long pid = Eventually.await(PATIENCE, () -> readPid(pidFile), p -> p > 0, () -> "the command's pid");
            caller.interrupt();
            assertEquals(List.of(CommandException.Reason.INTERRUPTED, true), outcome.get(60, TimeUnit.SECONDS));
            Eventually.await(PATIENCE, () -> gone(pid), () -> "the interrupted command (pid " + pid + ") to die");
        } finally {
            Files.deleteIfExists(pidFile);
        }
    }

    private static long childPid(String stdout) {
        Matcher matcher = CHILD.matcher(stdout);
        assertTrue(matcher.find(), "the command printed its child's pid: " + stdout);
        return Long.parseLong(matcher.group(1));
    }

    private static long readPid(Path file) {
        try {
            String text = Files.readString(file).strip();
            return text.isEmpty() ? 0 : Long.parseLong(text);
        } catch (java.io.IOException | NumberFormatException e) {
            return 0;
        }
    }

    /** Gone or a zombie (killed, waiting for whoever inherited it to reap it). */
    private static boolean gone(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            return stat.substring(stat.lastIndexOf(')') + 2).startsWith("Z");
        } catch (java.io.IOException e) {
            return true;
        }
    }
}
