package org.sacip.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Writer;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Many TCP connections opened at once and held by child JVMs ({@link HeldConnections}) in a named network namespace
 * (a test's or a lab's): one
 * process may hold fewer descriptors than a burst needs (the test's own limit is 20,000 here), so a burst is split
 * over several children, which connect in parallel. {@link #close} ends the children, and the kernel closes their
 * connections.
 */
public final class ConnectionBurst implements AutoCloseable {
    private record Child(Process process, BufferedReader output, Writer input) {
    }

    private final List<Child> children = new ArrayList<>();
    private final int perChild;

    private ConnectionBurst(int perChild) {
        this.perChild = perChild;
    }

    /**
     * Starts {@code children} processes in the namespace named {@code namespace} (as {@code ip netns} knows it), each
     * opening {@code perChild} connections to
     * {@code server}: at once, or, {@code onSignal}, when {@link #go} is called.
     */
    public static ConnectionBurst start(String namespace, InetSocketAddress server, int children, int perChild,
            boolean onSignal) throws Exception {
        Path classes = Path.of(ConnectionBurst.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        ConnectionBurst burst = new ConnectionBurst(perChild);
        try {
            for (int i = 0; i < children; i++) {
                Process process = new ProcessBuilder("ip", "netns", "exec", namespace, java.toString(),
                        "-Xmx64m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-cp", classes.toString(),
                        HeldConnections.class.getName(), server.getAddress().getHostAddress(),
                        Integer.toString(server.getPort()), Integer.toString(perChild), onSignal ? "on-signal" : "now")
                        .redirectError(ProcessBuilder.Redirect.INHERIT).start();
                burst.children.add(new Child(process, new BufferedReader(new InputStreamReader(
                        process.getInputStream(), StandardCharsets.US_ASCII)),
                        process.outputWriter(StandardCharsets.US_ASCII)));
            }
        } catch (IOException | RuntimeException e) {
            burst.close();
            throw e;
        }
        return burst;
    }

    /** Waits until every child started with {@code onSignal} is ready to connect. */
    public void awaitReady(Duration limit) throws Exception {
        awaitLine("ready", limit);
    }

    /** Lets every child started with {@code onSignal} connect. */
    public void go() throws IOException {
        for (Child child : children) {
            child.input().write("go\n");
            child.input().flush();
        }
    }

    /** Waits until every child holds all its connections; fails with what a child said otherwise. */
    public void awaitConnected(Duration limit) throws Exception {
        awaitLine("connected " + perChild, limit);
    }

    private void awaitLine(String expected, Duration limit) throws Exception {
        long deadline = System.nanoTime() + limit.toNanos();
        for (Child child : children) {
            String line;
            try {
                line = CompletableFuture.supplyAsync(() -> {
                    try {
                        return child.output().readLine();
                    } catch (IOException e) {
                        return "unreadable output: " + e.getMessage();
                    }
                }).get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (TimeoutException e) {
                throw new AssertionError("waited " + limit.toSeconds() + " s for '" + expected + "' from each child");
            }
            if (!expected.equals(line)) {
                throw new AssertionError("a child said " + line + " instead of '" + expected + "'"
                        + (child.process().isAlive() ? "" : " (exit " + child.process().exitValue() + ")"));
            }
        }
    }

    @Override
    public void close() {
        for (Child child : children) {
            try {
                child.input().close();
                if (!child.process().waitFor(10, TimeUnit.SECONDS)) {
                    child.process().destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                }
            } catch (IOException e) {
                child.process().destroyForcibly();
            } catch (InterruptedException e) {
                child.process().destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
    }
}
