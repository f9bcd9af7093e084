package org.sacip.agent.datapath;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.sacip.netlink.NetNamespace;

/**
 * Runs a command ({@code nft}, {@code ip}) in the data path's namespace: through {@code nsenter --net=FILE} for
 * another namespace, so it can never act on the caller's own namespace by mistake.
 */
final class NamespaceCommand {
    private static final long TIMEOUT_SECONDS = 60;

    private final List<String> prefix;

    NamespaceCommand(NetNamespace namespace) {
        this.prefix = namespace == null ? List.of() : List.of("nsenter", "--net=" + namespace.path());
    }

    /** Runs the command with {@code input} on its standard input; returns its output, fails on a non-zero exit. */
    String run(List<String> arguments, String input) throws DataPathException {
        List<String> command = new ArrayList<>(prefix);
        command.addAll(arguments);
        String shown = String.join(" ", command);
        Process process;
        try {
            process = new ProcessBuilder(command).redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new DataPathException("cannot start " + shown, e);
        }
        try {
            try (OutputStream in = process.getOutputStream()) {
                in.write(input.getBytes(StandardCharsets.UTF_8));
            } catch (IOException closedEarly) {
                // The exit status and output below say why the command stopped reading.
            }
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new DataPathException(shown + " did not finish");
            }
            if (process.exitValue() != 0) {
                throw new DataPathException(shown + " failed (exit " + process.exitValue() + "): " + output.trim());
            }
            return output;
        } catch (IOException e) {
            process.destroyForcibly();
            throw new DataPathException("running " + shown + " failed", e);
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new DataPathException("interrupted while running " + shown);
        }
    }
}
