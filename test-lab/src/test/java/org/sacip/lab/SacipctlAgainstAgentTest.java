package org.sacip.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.sacip.commands.CommandResult;
import org.sacip.commands.Commands;
import org.sacip.lab.agent.Agents;
import org.sacip.lab.agent.ProjectRoot;
import org.sacip.lab.move.MoveKind;
import org.sacip.lab.move.MoveStep;
import org.sacip.lab.move.Mover;
import org.sacip.lab.topology.Family;
import org.sacip.lab.topology.Topology;
import org.sacip.lab.topology.TopologyBuilder;
import org.sacip.lab.topology.TopologyKind;
import org.sacip.lab.traffic.Endpoint;
import org.sacip.lab.traffic.TrafficKind;
import org.sacip.testing.Eventually;

/**
 * bin/sacipctl against real agents after a real move (no mock server): A (roaming) streams to B, `events -f` runs
 * on A while A moves from uplink 1 to uplink 2, then every listing is read as JSON and as text, and flush empties A.
 */
class SacipctlAgainstAgentTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration KEYS_LIMIT = Duration.ofSeconds(30);
    private static final Duration FOLLOWER_LIMIT = Duration.ofSeconds(30);
    private static final Duration ACTIVE_LIMIT = Duration.ofSeconds(10);
    private static final Duration CTL_LIMIT = Duration.ofSeconds(30);
    private static final String FOLLOWER_THREAD = "sacip-control-events-".substring(0, 15);

    @Test
    void showsTheMovedSessionEverywhereAndFlushesIt() throws Exception {
        Path root = ProjectRoot.find();
        try (Lab lab = new Lab()) {
            Topology topology = TopologyBuilder.build(lab, TopologyKind.ROAMING, Family.IPV4);
            Agents agents = Agents.startIfPresent(lab, root, List.of("a", "b"));
            assertTrue(agents.running(), agents.note());
            Endpoint server = Endpoint.start(lab, "b", TrafficKind.GAP, true, Map.of("listen", "198.18.10.2:5001",
                    "count", "1"));
            server.await("ready", 60_000);
            Endpoint client = Endpoint.start(lab, "a", TrafficKind.GAP, false, Map.of("bind", "198.18.1.2",
                    "connect", "198.18.10.2:5001", "count", "1"));
            String tuple = client.await("connected", 60_000).path("tuple").asText();
            String localPort = tuple.substring(tuple.indexOf(':') + 1, tuple.indexOf(' '));
            // As ScenarioRunner does: the move comes once both agents know each other (a move before that is
            // another scenario: a peer of unknown capability).
            Eventually.await(KEYS_LIMIT, () -> agents.keyAgreed("a") && agents.keyAgreed("b"),
                    () -> "a key agreed between the agents; a: " + agents.logTail("a"));

            Path eventsFile = Files.createTempFile("sacipctl-events", ".jsonl");
            Process events = new ProcessBuilder(lab.inHost("a", ctl(root, lab, "a", "events", "--follow", "-j")))
                    .redirectErrorStream(true).redirectOutput(eventsFile.toFile()).start();
            lab.onTeardown(events::destroyForcibly);
            awaitFollower(agents, "a", events);
            new Mover(topology).move(new MoveStep("a", 0, 1, MoveKind.MAKE_BEFORE_BREAK, 0));
            JsonNode sessions = awaitActive(root, lab);
            events.destroy();
            events.waitFor(5, TimeUnit.SECONDS);

            JsonNode session = sessions.get(0);
            assertEquals("tcp", session.path("proto").asText());
            assertEquals("198.18.1.2:" + localPort, session.path("local").asText());
            assertEquals("198.18.10.2:5001", session.path("remote").asText());
            assertEquals("198.18.2.2:" + localPort, session.path("active_local").asText());
            assertEquals("198.18.10.2:5001", session.path("active_remote").asText());
            assertEquals("198.18.10.2", session.path("peer").asText());
            assertTrue(session.path("since").asText().matches("\\d{4}-\\d\\d-\\d\\dT.*Z"), session.toString());

            String table = run(root, lab, "a", 0, "sessions");
            assertTrue(table.startsWith("Proto"), table);
            assertTrue(table.contains("198.18.2.2:" + localPort) && table.contains("active"), table);
            assertEquals("", run(root, lab, "a", 0, "sessions", "--udp").lines().skip(1)
                    .reduce("", String::concat), "the --udp filter keeps only the header");

            JsonNode status = JSON.readTree(run(root, lab, "a", 0, "status", "-j"));
            assertTrue(status.path("moves").asLong() >= 1, status.toString());
            assertEquals(1, status.path("sessions").asInt(), status.toString());
            JsonNode peers = JSON.readTree(run(root, lab, "a", 0, "peers", "-j"));
            assertEquals("198.18.10.2", peers.get(0).path("address").asText(), peers.toString());
            assertEquals("sacip-v2", peers.get(0).path("capability").asText(), peers.toString());
            assertEquals("198.18.2.2", peers.get(0).path("local_current").asText(), peers.toString());
            JsonNode ghosts = JSON.readTree(run(root, lab, "a", 0, "ghosts", "-j"));
            assertEquals("198.18.1.2", ghosts.get(0).path("address").asText(), ghosts.toString());
            assertEquals("active", ghosts.get(0).path("state").asText(), ghosts.toString());

            List<String> types = new ArrayList<>();
            for (String line : Files.readAllLines(eventsFile, StandardCharsets.UTF_8)) {
                if (line.startsWith("{")) {
                    types.add(JSON.readTree(line).path("type").asText());
                }
            }
            assertTrue(types.contains("move") && types.contains("ack") && types.contains("converged"), types.toString());

            run(root, lab, "a", 2, "flush");
            JsonNode flushed = JSON.readTree(run(root, lab, "a", 0, "flush", "--yes", "-j"));
            assertEquals(1, flushed.path("sessions").asInt(), flushed.toString());
            JsonNode afterFlush = JSON.readTree(run(root, lab, "a", 0, "sessions", "-j"));
            assertEquals(0, afterFlush.size(), "sessions listed right after the flush: " + afterFlush);
            String ruleset = lab.run("a", "nft", "list", "table", "inet", "sacip");
            assertTrue(!ruleset.contains("198.18.2.2") && !ruleset.contains("198.18.1.2"),
                    "flush left remapping or ghost elements: " + ruleset);
            assertTrue(!lab.run("a", "ip", "-o", "addr", "show", "dev", "lo").contains("198.18.1.2"),
                    "flush left the ghost address on lo");
            assertEquals(3, exit(root, lab, "a", List.of("--socket", "/run/sacip-lab/none.sock", "status")));
            Files.deleteIfExists(eventsFile);
        }
    }

    private static JsonNode awaitActive(Path root, Lab lab) {
        return Eventually.await(ACTIVE_LIMIT, () -> {
            try {
                return JSON.readTree(run(root, lab, "a", 0, "sessions", "-j"));
            } catch (Exception e) {
                throw new IllegalStateException("sacipctl sessions: " + e.getMessage(), e);
            }
        }, sessions -> sessions.size() == 1 && sessions.get(0).path("state").asText().equals("active"),
                () -> "the moved session to become active");
    }

    /**
     * Waits until the host's agent follows sacipctl events: it subscribes the connection to its events, then starts
     * the follower's thread, named sacip-control-events-N (the kernel keeps the first 15 characters of a thread's
     * name). No other connection asks for events in this test.
     */
    private static void awaitFollower(Agents agents, String host, Process events) {
        Path tasks = Path.of("/proc", Long.toString(agents.pid(host)), "task");
        Eventually.await(FOLLOWER_LIMIT, () -> {
            if (!events.isAlive()) {
                throw new AssertionError("sacipctl events exited with status " + events.exitValue());
            }
            return threadNames(tasks).contains(FOLLOWER_THREAD);
        }, () -> "the agent in " + host + " to follow sacipctl events (threads: " + threadNames(tasks) + ")");
    }

    private static List<String> threadNames(Path tasks) {
        List<String> names = new ArrayList<>();
        try (Stream<Path> threads = Files.list(tasks)) {
            for (Path thread : threads.toList()) {
                try {
                    names.add(Files.readString(thread.resolve("comm")).strip());
                } catch (IOException ended) {
                    // The thread ended while we listed them.
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return names;
    }

    private static List<String> ctl(Path root, Lab lab, String host, String... arguments) {
        List<String> command = new ArrayList<>(List.of(root.resolve("bin/sacipctl").toString(), "--socket",
                "/run/sacip-lab/" + lab.ns(host) + "/control.sock"));
        command.addAll(List.of(arguments));
        return command;
    }

    /** Runs sacipctl in the host with stdin closed; asserts its exit status and returns its standard output. */
    private static String run(Path root, Lab lab, String host, int expectedExit, String... arguments)
            throws Exception {
        CommandResult result = Commands.run(lab.inHost(host, ctl(root, lab, host, arguments)), CTL_LIMIT);
        assertEquals(expectedExit, result.exitCode(), String.join(" ", arguments) + ": " + result.stdout()
                + result.stderr());
        return result.stdout();
    }

    private static int exit(Path root, Lab lab, String host, List<String> arguments) throws Exception {
        List<String> command = new ArrayList<>(List.of(root.resolve("bin/sacipctl").toString()));
        command.addAll(arguments);
        return Commands.run(lab.inHost(host, command), CTL_LIMIT).exitCode();
    }
}
