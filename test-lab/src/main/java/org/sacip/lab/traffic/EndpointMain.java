package org.sacip.lab.traffic;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * One traffic endpoint, run as its own JVM inside a host's namespace ({@code ip netns exec NS java ...}).
 * A child process per endpoint, rather than sockets made on a thread that entered the namespace with setns:
 * a process cannot leak a namespace into other threads, is killed whole at teardown, and needs no native code.
 * It talks JSON lines on stdout (events: ready, connected, quiesced, report, error) and takes the commands
 * "quiesce", "count" (running byte counts, while draining) and "report" on stdin; it exits when stdin closes (the parent is done with it, or died).
 */
public final class EndpointMain {
    private static final ObjectMapper JSON = new ObjectMapper();

    private EndpointMain() {
    }

    public static void main(String[] args) {
        if (args.length < 2 || !(args[1].equals("server") || args[1].equals("client"))) {
            emitError("usage: EndpointMain KIND server|client key=value...");
            System.exit(2);
        }
        TrafficRole role;
        try {
            role = TrafficKind.parse(args[0]).create(args[1].equals("server"), EndpointOptions.parse(args, 2));
            role.listen();
        } catch (IOException | RuntimeException e) {
            emitError("cannot start " + args[0] + " " + args[1] + ": " + e.getMessage());
            System.exit(2);
            return;
        }
        emit(JSON.createObjectNode().put("event", "ready"));
        TrafficRole started = role;
        Threads.start("establish", () -> {
            try {
                String tuple = started.establish();
                // The moment the connection is up, in µs: a benchmark times the agent's key agreement from it.
                Instant established = Instant.now();
                started.run();
                emit(JSON.createObjectNode().put("event", "connected").put("tuple", tuple)
                        .put("atMs", System.currentTimeMillis())
                        .put("atMicros", ChronoUnit.MICROS.between(Instant.EPOCH, established))
                        .put("connectingAtMicros", started.connectStartedMicros()));
            } catch (IOException | RuntimeException e) {
                emitError("cannot open the stream: " + e.getMessage());
            }
        });
        commandLoop(role);
    }

    private static void commandLoop(TrafficRole role) {
        long quiescedAt = 0;
        boolean reported = false;
        try (BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null) {
                switch (line.strip()) {
                    case "quiesce" -> {
                        quiescedAt = System.currentTimeMillis();
                        role.quiesce();
                        emit(JSON.createObjectNode().put("event", "quiesced").put("atMs", quiescedAt));
                    }
                    case "count" -> emit(JSON.createObjectNode().put("event", "count")
                            .put("sent", role.counters().sent.get()).put("received", role.counters().received.get()));
                    case "report" -> {
                        StreamReport report = role.report(quiescedAt == 0 ? System.currentTimeMillis() : quiescedAt);
                        ObjectNode node = JSON.valueToTree(report);
                        node.put("event", "report");
                        emit(node);
                        reported = true;
                    }
                    default -> emitError("unknown command: " + line.strip());
                }
            }
        } catch (IOException e) {
            emitError("stdin broke: " + e.getMessage());
        }
        // stdin closed: the parent is done (or gone). Exiting closes the sockets.
        System.exit(reported ? 0 : 1);
    }

    private static void emitError(String message) {
        emit(JSON.createObjectNode().put("event", "error").put("message", message));
    }

    private static synchronized void emit(ObjectNode node) {
        System.out.println(node.toString());
        System.out.flush();
    }
}
