package org.sacip.agent.datapath;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.sacip.netlink.NetNamespace;

/**
 * Runs an nft script ({@code nft -f -}) in the data path's namespace: {@code nsenter --net=FILE} for another
 * namespace, so the command can never act on the caller's own namespace by mistake.
 */
final class NftScript {
    private static final long TIMEOUT_SECONDS = 60;

    private final List<String> command;

    NftScript(NetNamespace namespace) {
        List<String> parts = new ArrayList<>();
        if (namespace != null) {
            parts.add("nsenter");
            parts.add("--net=" + namespace.path());
        }
        parts.addAll(List.of("nft", "-f", "-"));
        this.command = List.copyOf(parts);
    }

    void run(String script) throws DataPathException {
        Process process;
        try {
            process = new ProcessBuilder(command).redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new DataPathException("cannot start " + String.join(" ", command), e);
        }
        try {
            try (OutputStream in = process.getOutputStream()) {
                in.write(script.getBytes(StandardCharsets.UTF_8));
            } catch (IOException closedEarly) {
                // The exit status and output below say why the command stopped reading.
            }
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new DataPathException(String.join(" ", command) + " did not finish");
            }
            if (process.exitValue() != 0) {
                throw new DataPathException(String.join(" ", command) + " failed (exit " + process.exitValue()
                        + "): " + output);
            }
        } catch (IOException e) {
            process.destroyForcibly();
            throw new DataPathException("running " + String.join(" ", command) + " failed", e);
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new DataPathException("interrupted while running " + String.join(" ", command));
        }
    }
}
