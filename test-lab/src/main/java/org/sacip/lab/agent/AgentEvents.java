package org.sacip.lab.agent;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.sacip.lab.LabException;

/**
 * Follows an agent's events ({@code events} on its control socket, docs/CONTROL.md section 5): every line is kept
 * with the time it arrived (System.nanoTime), so a test can order what it did against what the agent reported.
 */
public final class AgentEvents implements AutoCloseable {
    /** One event as it arrived. */
    public record Event(String type, JsonNode fields, long receivedNanos, String line) {
        /**
         * When the agent published it, in µs since the epoch (its "time"): unlike {@link #receivedNanos}, free of
         * this process's own scheduling on a busy machine. Empty if the line carries no readable time.
         */
        public OptionalLong publishedMicros() {
            try {
                Instant at = Instant.parse(JSON.readTree(line).path("time").asText(""));
                return OptionalLong.of(ChronoUnit.MICROS.between(Instant.EPOCH, at));
            } catch (IOException | DateTimeParseException e) {
                return OptionalLong.empty();
            }
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private final SocketChannel channel;
    private final BlockingQueue<Event> events = new LinkedBlockingQueue<>();
    private final List<Event> seen = new ArrayList<>();
    private final Thread reader;

    private AgentEvents(SocketChannel channel) {
        this.channel = channel;
        this.reader = new Thread(this::read, "agent-events");
        reader.setDaemon(true);
    }

    /** Connects and waits for the agent's "following" reply: later events are all seen. */
    public static AgentEvents follow(Path socket) {
        try {
            SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX);
            channel.connect(UnixDomainSocketAddress.of(socket));
            channel.write(ByteBuffer.wrap("{\"v\":1,\"cmd\":\"events\"}\n".getBytes(StandardCharsets.UTF_8)));
            AgentEvents follower = new AgentEvents(channel);
            follower.reader.start();
            Event reply = follower.next(Duration.ofSeconds(10));
            if (!reply.line().contains("\"following\":true")) {
                follower.close();
                throw new LabException("the agent at " + socket + " did not start following: " + reply.line());
            }
            return follower;
        } catch (IOException e) {
            throw new LabException("cannot follow the events of the agent at " + socket + ": " + e.getMessage(), e);
        }
    }

    private void read() {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(Channels.newInputStream(channel),
                StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null) {
                long now = System.nanoTime();
                JsonNode node = JSON.readTree(line);
                events.add(new Event(node.path("type").asText(""), node.path("fields"), now, line));
            }
        } catch (IOException e) {
            // Closed: the follower ends.
        }
    }

    private Event next(Duration limit) {
        try {
            Event event = events.poll(limit.toMillis(), TimeUnit.MILLISECONDS);
            if (event == null) {
                throw new LabException("no event from the agent within " + limit.toMillis() + " ms; seen: " + seen);
            }
            seen.add(event);
            return event;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LabException("interrupted while waiting for an event", e);
        }
    }

    /** The next event of this type (earlier ones of other types are kept in {@link #seen()}). */
    public Event await(String type, Duration limit) {
        long deadline = System.nanoTime() + limit.toNanos();
        while (true) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new LabException("no '" + type + "' event from the agent within " + limit.toMillis()
                        + " ms; seen: " + seen.stream().map(Event::line).toList());
            }
            Event event = next(Duration.ofNanos(left));
            if (event.type().equals(type)) {
                return event;
            }
        }
    }

    /** The next event of this type whose field {@code field} is {@code value}; other events of the type are passed. */
    public Event await(String type, String field, String value, Duration limit) {
        long deadline = System.nanoTime() + limit.toNanos();
        while (true) {
            Event event = await(type, Duration.ofNanos(Math.max(1, deadline - System.nanoTime())));
            if (value.equals(event.fields().path(field).asText())) {
                return event;
            }
        }
    }

    /**
     * The next event of this type received at or after {@code sinceNanos} ({@link System#nanoTime()}): one left
     * from before (a move that came as two events, the route change and then the address leaving) is skipped.
     */
    public Event awaitSince(String type, long sinceNanos, Duration limit) {
        long deadline = System.nanoTime() + limit.toNanos();
        while (true) {
            Event event = await(type, Duration.ofNanos(Math.max(1, deadline - System.nanoTime())));
            if (event.receivedNanos() - sinceNanos >= 0) {
                return event;
            }
        }
    }

    /** The events that have arrived and were not taken yet, without waiting (they join {@link #seen()}). */
    public List<Event> drain() {
        List<Event> taken = new ArrayList<>();
        events.drainTo(taken);
        seen.addAll(taken);
        return taken;
    }

    /** Every event taken so far. */
    public List<Event> seen() {
        return List.copyOf(seen);
    }

    @Override
    public void close() {
        try {
            channel.close();
        } catch (IOException e) {
            // Nothing left to release.
        }
    }
}
