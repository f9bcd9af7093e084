package org.sacip.lab;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs short commands (ip, sysctl, nft) and fails loudly with their stderr when they fail. */
public final class Shell {
    private static final long TIMEOUT_SECONDS = 30;

    private Shell() {
    }

    /** Result of a finished command. */
    public record Result(int exitCode, String stdout, String stderr) {
        public boolean ok() {
            return exitCode == 0;
        }
    }

    /** Runs the command and returns its output; throws when it exits non-zero. */
    public static String run(List<String> command) {
        Result result = tryRun(command);
        if (!result.ok()) {
            throw new LabException("command failed (exit " + result.exitCode() + "): " + String.join(" ", command)
                    + (result.stderr().isBlank() ? "" : ": " + result.stderr().strip()));
        }
        return result.stdout();
    }

    public static String run(String... command) {
        return run(List.of(command));
    }

    /** Runs the command and returns its outcome whatever the exit code (for cleanup, which must go on). */
    public static Result tryRun(List<String> command) {
        ProcessBuilder builder = new ProcessBuilder(command);
        try {
            Process process = builder.start();
            process.getOutputStream().close();
            // Outputs of these commands are small; read stderr on a thread so neither pipe can fill up.
            var stderr = new java.util.concurrent.CompletableFuture<String>();
            Thread reader = new Thread(() -> {
                try {
                    stderr.complete(new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8));
                } catch (IOException e) {
                    stderr.complete("");
                }
            }, "shell-stderr");
            reader.setDaemon(true);
            reader.start();
            String stdout = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new LabException("command timed out: " + String.join(" ", command));
            }
            reader.join(TimeUnit.SECONDS.toMillis(TIMEOUT_SECONDS));
            return new Result(process.exitValue(), stdout, stderr.getNow(""));
        } catch (IOException e) {
            throw new LabException("cannot run " + command.get(0) + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LabException("interrupted while running " + String.join(" ", command), e);
        }
    }
}
