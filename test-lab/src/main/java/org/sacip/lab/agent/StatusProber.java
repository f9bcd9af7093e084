package org.sacip.lab.agent;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.sacip.control.ControlClient;
import org.sacip.control.ControlCommand;
import org.sacip.control.ControlFailure;

/**
 * Asks an agent for its {@code status} again and again on its control socket, one request at a time with a pause
 * between, and keeps when each was sent and answered (System.nanoTime). Measured at the socket: no CLI, no JVM start.
 */
public final class StatusProber implements AutoCloseable {
    /** One request: sent and answered (nanoTime), and whether the answer was an ok reply. */
    public record Probe(long sentNanos, long answeredNanos, boolean ok, String failure) {
        public long latencyMicros() {
            return (answeredNanos - sentNanos) / 1000;
        }

        /** Sent after {@code from} and answered before {@code to}. */
        public boolean within(long from, long to) {
            return sentNanos >= from && answeredNanos <= to;
        }
    }

    private static final Duration ANSWER_LIMIT = Duration.ofSeconds(10);

    private final Path socket;
    private final Duration pause;
    private final List<Probe> probes = new ArrayList<>();
    private final Thread thread;
    private volatile boolean running = true;

    private StatusProber(Path socket, Duration pause) {
        this.socket = socket;
        this.pause = pause;
        this.thread = new Thread(this::run, "status-prober");
        thread.setDaemon(true);
    }

    public static StatusProber start(Path socket, Duration pause) {
        StatusProber prober = new StatusProber(socket, pause);
        prober.thread.start();
        return prober;
    }

    private void run() {
        while (running) {
            long sent = System.nanoTime();
            Probe probe;
            try {
                JsonNode reply = new ControlClient(socket, ANSWER_LIMIT).exchange(ControlCommand.STATUS);
                boolean ok = reply.path("ok").asBoolean(false);
                probe = new Probe(sent, System.nanoTime(), ok, ok ? null : reply.toString());
            } catch (ControlFailure e) {
                probe = new Probe(sent, System.nanoTime(), false, e.getMessage());
            }
            synchronized (probes) {
                probes.add(probe);
            }
            try {
                Thread.sleep(pause.toMillis());
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /** Every request so far, in order. */
    public List<Probe> probes() {
        synchronized (probes) {
            return List.copyOf(probes);
        }
    }

    @Override
    public void close() {
        running = false;
        thread.interrupt();
        try {
            thread.join(ANSWER_LIMIT.toMillis() + 1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
