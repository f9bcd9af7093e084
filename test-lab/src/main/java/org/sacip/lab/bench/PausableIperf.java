package org.sacip.lab.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.sacip.lab.Lab;
import org.sacip.lab.LabException;
import org.sacip.lab.Shell;

/**
 * An iperf3 process in a lab host that runs only while resumed: a client sends as fast as it can, SIGSTOP pauses it
 * (its connections stay open, so a flow opened before a move stays the same flow), SIGCONT resumes it. A server
 * just runs. Killed at close, and at the lab's teardown at the latest.
 */
final class PausableIperf implements AutoCloseable {
    private static final long CONNECT_LIMIT_MS = 30_000;

    private final String label;
    private final Process process;
    private final List<String> output = new ArrayList<>();

    private PausableIperf(String label, Process process) {
        this.label = label;
        this.process = process;
    }

    /** {@code iperf3 -s -p PORT} in the host. */
    static PausableIperf server(Lab lab, String host, int port) {
        PausableIperf server = start(lab, host, List.of("iperf3", "-s", "-p", Integer.toString(port)),
                "server " + port);
        long deadline = System.currentTimeMillis() + CONNECT_LIMIT_MS;
        while (lab.run(host, "ss", "-H", "-l", "-t", "-n", "sport = :" + port).isBlank()) {
            if (System.currentTimeMillis() > deadline || !server.process.isAlive()) {
                throw new LabException(server.label + " is not listening after " + CONNECT_LIMIT_MS + " ms: "
                        + String.join(" / ", server.output));
            }
            Pause.ms(20);
        }
        return server;
    }

    /**
     * An iperf3 client (the arguments after {@code iperf3}), paused as soon as it reports its data connection: it
     * sends only between {@link #resume()} and {@link #pause()}.
     */
    static PausableIperf client(Lab lab, String host, List<String> arguments) {
        // Output through a pipe is block-buffered: stdbuf makes it line-buffered (and execs iperf3, same pid).
        List<String> command = new ArrayList<>(List.of("stdbuf", "-oL", "iperf3"));
        command.addAll(arguments);
        command.addAll(List.of("-t", "86400", "-i", "0"));
        PausableIperf client = start(lab, host, command, "client " + String.join(" ", arguments));
        client.awaitConnected();
        client.pause();
        return client;
    }

    private static PausableIperf start(Lab lab, String host, List<String> command, String label) {
        try {
            // ip netns exec (and stdbuf) exec iperf3: the process is iperf3 itself, so signals reach it.
            Process process = new ProcessBuilder(lab.inHost(host, command)).redirectErrorStream(true).start();
            PausableIperf iperf = new PausableIperf(host + ": " + label, process);
            lab.onTeardown(iperf);
            Thread reader = new Thread(iperf::read, "iperf3-output");
            reader.setDaemon(true);
            reader.start();
            return iperf;
        } catch (IOException e) {
            throw new LabException("cannot start iperf3 in " + host + ": " + e.getMessage(), e);
        }
    }

    static String commandLine(String host, List<String> arguments) {
        return host + ": stdbuf -oL iperf3 " + String.join(" ", arguments) + " -t 86400 -i 0";
    }

    private void read() {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(),
                StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null) {
                synchronized (output) {
                    output.add(line);
                    output.notifyAll();
                }
            }
        } catch (IOException e) {
            // The process is gone; a waiter sees that.
        }
    }

    private void awaitConnected() {
        long deadline = System.currentTimeMillis() + CONNECT_LIMIT_MS;
        synchronized (output) {
            while (output.stream().noneMatch(l -> l.contains("connected to"))) {
                long left = deadline - System.currentTimeMillis();
                if (left <= 0 || !process.isAlive()) {
                    throw new LabException(label + ": no data connection within " + CONNECT_LIMIT_MS + " ms: "
                            + String.join(" / ", output));
                }
                try {
                    output.wait(Math.min(left, 200));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new LabException("interrupted waiting for " + label, e);
                }
            }
        }
    }

    void pause() {
        signal("STOP");
    }

    void resume() {
        signal("CONT");
    }

    private void signal(String name) {
        if (!process.isAlive()) {
            throw new LabException(label + " has exited: " + String.join(" / ", output));
        }
        Shell.run("kill", "-" + name, Long.toString(process.pid()));
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            Shell.tryRun(List.of("kill", "-CONT", Long.toString(process.pid())));
            process.destroy();
            try {
                if (!process.waitFor(5, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public String toString() {
        return "iperf3 " + label;
    }
}
