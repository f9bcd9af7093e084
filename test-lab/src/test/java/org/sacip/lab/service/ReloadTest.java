package org.sacip.lab.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sacip.control.ControlCommand;
import org.sacip.lab.Lab;
import org.sacip.lab.agent.AgentSession;
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
import org.sacip.testing.Eventually;

/**
 * {@code systemctl reload} (SIGHUP) against a real agent carrying a moved session: a config file that does not pass
 * its checks is refused with FILE:LINE: reason in the log and changes nothing (the agent runs on, the session stays
 * moved, the log level stays); a good one raises the log level at once and names the changed key that waits for a
 * restart; a new peers list decides new sessions' claims at once. The service manager hears RELOADING=1 with
 * MONOTONIC_USEC, then READY=1, each time.
 */
class ReloadTest {
    private static final Duration MOVE_LIMIT = Duration.ofSeconds(30);
    private static final Duration RELOAD_LIMIT = Duration.ofSeconds(30);
    private static final Duration DEBUG_LIMIT = Duration.ofSeconds(60);

    @Test
    void aBadFileKeepsTheRunningConfigAndAGoodOneChangesTheLogLevelWhileTheSessionStaysMoved(@TempDir Path dir)
            throws Exception {
        try (Lab lab = new Lab(); NotifyReceiver manager = NotifyReceiver.atPath(dir.resolve("notify"))) {
            Topology topology = TopologyBuilder.build(lab, TopologyKind.ROAMING, Family.IPV4);
            Agents agents = Agents.startIfPresent(lab, ProjectRoot.find(), List.of("b"));
            assertTrue(agents.running(), agents.note());
            ServiceAgent a = ServiceAgent.start(lab, "a", "log-level = info\n", Map.of("NOTIFY_SOCKET",
                    manager.name()));
            manager.await("READY=1", NotifyTest.READY_LIMIT);

            Endpoint client = GapStream.open(lab, "198.18.1.2", 5001);
            a.awaitKeyAgreed();
            new Mover(topology).move(new MoveStep("a", 0, 1, MoveKind.MAKE_BEFORE_BREAK, 0));
            AgentSession moved = Eventually.await(MOVE_LIMIT, () -> a.control().sessions(),
                    sessions -> sessions.size() == 1 && sessions.get(0).state().equals("active")
                            && sessions.get(0).remapped(), () -> "A's session moved and confirmed").get(0);
            assertEquals("198.18.2.2", moved.activeLocal().substring(0, moved.activeLocal().lastIndexOf(':')));
            assertTrue(debugLines(a).isEmpty(), "debug lines at log level info: " + debugLines(a));

            // A bad file: refused line by line, nothing changes.
            a.writeConfig("log-level = debug\nmax-keys = lots\ncolour = red\n");
            a.reload();
            NotifyReceiver.Datagram reloading = manager.await("RELOADING=1", RELOAD_LIMIT);
            assertTrue(reloading.lines().stream().anyMatch(line -> line.matches("MONOTONIC_USEC=\\d+")),
                    reloading.toString());
            manager.await("READY=1", RELOAD_LIMIT);
            a.awaitLogLine("reload refused: " + a.config() + ":2: not a number: 'lots'", RELOAD_LIMIT);
            a.awaitLogLine("reload refused: " + a.config() + ":3: unknown key 'colour'", RELOAD_LIMIT);
            a.awaitLogLine("reload refused: " + a.config() + " has 2 problem(s); the running config stays as it was",
                    RELOAD_LIMIT);
            assertTrue(a.alive(), "the agent ended after a bad reload:\n" + a.process().logTail());
            assertEquals(List.of(moved), a.control().sessions(), "the moved session after the refused reload");
            assertTrue(debugLines(a).isEmpty(), "the refused file's log level was applied: " + debugLines(a));

            // A good file: the log level changes at once; max-keys waits for a restart, and the log says so.
            a.writeConfig("log-level = debug\nmax-keys = 100\n");
            a.reload();
            manager.await("RELOADING=1", RELOAD_LIMIT);
            manager.await("READY=1", RELOAD_LIMIT);
            a.awaitLogLine("reloaded " + a.config() + ": log-level info -> debug", RELOAD_LIMIT);
            a.awaitLogLine("reload: max-keys changed in " + a.config() + "; it takes effect at the next restart "
                    + "(until then the agent keeps 4096)", RELOAD_LIMIT);
            assertEquals(List.of(moved), a.control().sessions(), "the moved session after the reload");
            // Debug lines now come from the agent's work: a second connection is reported and claimed.
            GapStream.open(lab, "198.18.2.2", 5002);
            Eventually.await(DEBUG_LIMIT, () -> !debugLines(a).isEmpty(),
                    () -> "a DEBUG line in A's log after the reload to debug; its end:\n" + a.process().logTail());
            assertTrue(a.control().sessions().contains(moved), "the moved session after the second connection: "
                    + a.control().sessions());

            // peers applies at once too: a new connection to B is no longer claimed; the moved session stays.
            a.writeConfig("log-level = debug\nmax-keys = 100\npeers = 198.18.99.0/24\n");
            a.reload();
            manager.await("RELOADING=1", RELOAD_LIMIT);
            manager.await("READY=1", RELOAD_LIMIT);
            a.awaitLogLine("reloaded " + a.config() + ": peers all -> 198.18.99.0/24", RELOAD_LIMIT);
            GapStream.open(lab, "198.18.2.2", 5003);
            Eventually.await(MOVE_LIMIT, () -> binding(a, GapStream.SERVER + ":5003"), "not-managed"::equals,
                    () -> "A's session to port 5003 unbound as not managed: " + a.control().request(ControlCommand.SESSIONS));
            assertTrue(a.control().sessions().contains(moved), "the moved session after the reload of peers: "
                    + a.control().sessions());

            long received = client.counts(10_000)[1];
            Eventually.await(MOVE_LIMIT, () -> client.counts(10_000)[1] > received,
                    () -> "the moved connection to carry data after both reloads (received " + received + ")");
        }
    }

    /** The binding column of A's session to {@code remote} (null while A does not list it). */
    private static String binding(ServiceAgent agent, String remote) {
        for (JsonNode row : agent.control().request(ControlCommand.SESSIONS)) {
            if (row.path("remote").asText().equals(remote)) {
                return row.path("binding").asText();
            }
        }
        return null;
    }

    private static List<String> debugLines(ServiceAgent agent) {
        try {
            return agent.logLines().stream().filter(line -> line.contains(" DEBUG ")).toList();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
