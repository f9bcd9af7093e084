package org.sacip.lab.traffic;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.sacip.lab.Lab;
import org.sacip.lab.LabException;

/** The parent's handle on one endpoint process running in a host's namespace. */
public final class Endpoint implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final JsonNode END_OF_OUTPUT = JSON.createObjectNode().put("event", "exited");

    private final String label;
    private final Process process;
    private final File stderrFile;
    private final Writer commands;
    private final BlockingQueue<JsonNode> events = new LinkedBlockingQueue<>();

    private Endpoint(String label, Process process, File stderrFile) {
        this.label = label;
        this.process = process;
        this.stderrFile = stderrFile;
        this.commands = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
        Threads.start("endpoint-events-" + label, this::readEvents);
    }

    /** Starts {@code kind role} in the host's namespace, with the same classpath as this JVM. */
    public static Endpoint start(Lab lab, String host, TrafficKind kind, boolean server, Map<String, String> options) {
        return start(lab, host, kind, server, options, List.of());
    }

    /**
     * The same behind a wrapper that execs the JVM, e.g. {@code mptcpize run} (its LD_PRELOAD library turns the
     * JVM's TCP sockets into MPTCP ones).
     */
    public static Endpoint start(Lab lab, String host, TrafficKind kind, boolean server, Map<String, String> options,
            List<String> wrapper) {
        List<String> command = new ArrayList<>(wrapper);
        command.addAll(List.of(
                System.getProperty("java.home") + "/bin/java",
                // Small, quick-starting JVMs: the machine is shared and an endpoint does little computing.
                "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xmx256m",
                "-cp", System.getProperty("java.class.path"),
                EndpointMain.class.getName(), kind.cliName(), server ? "server" : "client"));
        String wrapped = wrapper.isEmpty() ? "" : "-" + wrapper.get(0);
        options.forEach((key, value) -> command.add(key + "=" + value));
        String label = host + "-" + kind.cliName() + "-" + (server ? "server" : "client") + wrapped;
        try {
            File stderr = File.createTempFile("sacip-lab-" + label + "-", ".log");
            stderr.deleteOnExit();
            Process process = new ProcessBuilder(lab.inHost(host, command))
                    .redirectError(ProcessBuilder.Redirect.to(stderr))
                    .start();
            Endpoint endpoint = new Endpoint(label, process, stderr);
            lab.onTeardown(endpoint);
            return endpoint;
        } catch (IOException e) {
            throw new LabException("cannot start endpoint " + label + ": " + e.getMessage(), e);
        }
    }

    private void readEvents() {
        try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = out.readLine()) != null) {
                try {
                    events.add(JSON.readTree(line));
                } catch (IOException notJson) {
                    events.add(JSON.createObjectNode().put("event", "error").put("message", "not JSON: " + line));
                }
            }
        } catch (IOException e) {
            // The process is gone; END_OF_OUTPUT below tells the waiter.
        }
        events.add(END_OF_OUTPUT);
    }

    /** Waits for the named event; an error event, an early exit or the timeout is a LabException. */
    public JsonNode await(String event, long timeoutMs) {
        long deadline = System.currentTimeMillis() + timeoutMs;
        try {
            while (true) {
                JsonNode next = events.poll(Math.max(0, deadline - System.currentTimeMillis()), TimeUnit.MILLISECONDS);
                if (next == null) {
                    throw new LabException(label + ": no '" + event + "' within " + timeoutMs + " ms" + stderrTail());
                }
                String name = next.path("event").asText();
                if (name.equals(event)) {
                    return next;
                }
                if (name.equals("error")) {
                    throw new LabException(label + ": " + next.path("message").asText() + stderrTail());
                }
                if (next == END_OF_OUTPUT) {
                    throw new LabException(label + " exited before '" + event + "'" + stderrTail());
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LabException("interrupted waiting for " + label, e);
        }
    }

    public void send(String command) {
        try {
            commands.write(command + "\n");
            commands.flush();
        } catch (IOException e) {
            throw new LabException(label + " no longer takes commands: " + e.getMessage() + stderrTail(), e);
        }
    }

    /** Bytes sent and received so far, as {sent, received}. */
    public long[] counts(long timeoutMs) {
        send("count");
        JsonNode node = await("count", timeoutMs);
        return new long[] {node.path("sent").asLong(), node.path("received").asLong()};
    }

    public StreamReport report(long timeoutMs) {
        send("report");
        JsonNode node = await("report", timeoutMs);
        try {
            return JSON.treeToValue(((com.fasterxml.jackson.databind.node.ObjectNode) node.deepCopy()).without("event"),
                    StreamReport.class);
        } catch (IOException e) {
            throw new LabException(label + " sent a malformed report: " + e.getMessage(), e);
        }
    }

    private String stderrTail() {
        try {
            String text = Files.readString(stderrFile.toPath()).strip();
            return text.isEmpty() ? "" : " (stderr: " + text.substring(Math.max(0, text.length() - 600)) + ")";
        } catch (IOException e) {
            return "";
        }
    }

    @Override
    public void close() {
        try {
            commands.close();
        } catch (IOException alreadyGone) {
            // The process has exited already.
        }
        try {
            if (!process.waitFor(2, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        stderrFile.delete();
    }

    @Override
    public String toString() {
        return "endpoint " + label;
    }
}
