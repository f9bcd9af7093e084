package org.sacip.agent.datapath;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.sacip.netlink.NetNamespace;

/**
 * A throwaway network namespace named {@code sacip-t<pid>-<label><n>}, so parallel runs cannot collide; closing
 * deletes it with everything in it (use try-with-resources so it goes also when a test fails). Loopback is up.
 */
final class LabNamespace implements AutoCloseable {
    private static final AtomicInteger COUNTER = new AtomicInteger();

    private final String name;

    private LabNamespace(String name) {
        this.name = name;
    }

    static LabNamespace create(String label) throws IOException {
        String name = "sacip-t" + ProcessHandle.current().pid() + "-" + label + COUNTER.incrementAndGet();
        run("ip", "netns", "add", name);
        LabNamespace namespace = new LabNamespace(name);
        try {
            namespace.exec("ip", "link", "set", "lo", "up");
        } catch (IOException | RuntimeException e) {
            namespace.close();
            throw e;
        }
        return namespace;
    }

    /** An interface name carrying this process id (the kernel allows 15 characters). */
    static String interfaceName(String suffix) {
        String name = "s" + ProcessHandle.current().pid() + suffix;
        if (name.length() > 15) {
            throw new IllegalArgumentException("interface name too long: " + name);
        }
        return name;
    }

    String name() {
        return name;
    }

    NetNamespace netNamespace() {
        return NetNamespace.named(name);
    }

    /** Runs a command in the namespace; returns its output, fails on a non-zero exit. */
    String exec(String... command) throws IOException {
        List<String> full = new ArrayList<>(List.of("ip", "netns", "exec", name));
        full.addAll(List.of(command));
        return run(full.toArray(String[]::new));
    }

    /** Runs a command on the host: only {@code ip netns} plumbing. */
    static String run(String... command) throws IOException {
        Process process = new ProcessBuilder(command).start();
        try {
            byte[] out = process.getInputStream().readAllBytes();
            byte[] err = process.getErrorStream().readAllBytes();
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IOException("timed out: " + String.join(" ", command));
            }
            if (process.exitValue() != 0) {
                throw new IOException("failed (" + process.exitValue() + "): " + String.join(" ", command) + ": "
                        + new String(err, StandardCharsets.UTF_8).trim());
            }
            return new String(out, StandardCharsets.UTF_8);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted: " + String.join(" ", command), e);
        }
    }

    @Override
    public void close() throws IOException {
        run("ip", "netns", "del", name);
    }
}
