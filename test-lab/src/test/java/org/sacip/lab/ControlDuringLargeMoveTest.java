package org.sacip.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.sacip.lab.agent.AgentEvents;
import org.sacip.lab.agent.AgentPeer;
import org.sacip.lab.agent.Agents;
import org.sacip.lab.agent.ProjectRoot;
import org.sacip.lab.agent.StatusProber;
import org.sacip.lab.move.MoveKind;
import org.sacip.lab.move.MoveStep;
import org.sacip.lab.move.Mover;
import org.sacip.lab.topology.Family;
import org.sacip.lab.topology.Topology;
import org.sacip.lab.topology.TopologyBuilder;
import org.sacip.lab.topology.TopologyKind;
import org.sacip.lab.traffic.Endpoint;
import org.sacip.lab.traffic.StreamDrain;
import org.sacip.lab.traffic.StreamReport;
import org.sacip.lab.traffic.TrafficKind;
import org.sacip.testing.Eventually;

/**
 * The control socket answers while a move of 10,000 sessions is in progress: A holds 10,000 TCP sessions with B,
 * all bound to their key, and moves make-before-break to its second uplink while `status` is asked every 20 ms on
 * its socket. B's acknowledgements are held back (its SACIP output dropped, over ICMP and UDP) until a status answer
 * has come after the move began, so the move is still in progress when that answer arrives; then they go, the move
 * converges and every session lives on. No time is asserted (the benchmark ControlDuringMoveBenchmark gives the
 * figures); the longest answer is printed.
 */
class ControlDuringLargeMoveTest {
    private static final int SESSIONS = 10_000;
    private static final long START_LIMIT_MS = 120_000;
    private static final Duration BOUND_LIMIT = Duration.ofSeconds(120);
    private static final Duration ANSWER_LIMIT = Duration.ofSeconds(60);
    private static final Duration CONVERGE_LIMIT = Duration.ofSeconds(60);
    private static final long REPORT_LIMIT_MS = 60_000;
    private static final String HOLD_ACKS = "add table inet holdacks { chain out { type filter hook output priority 0;"
            + " icmp type 253 drop; icmpv6 type 200 drop; udp sport 4253 drop; }; }";

    @Test
    void statusIsAnsweredWhileTenThousandSessionsMove() throws Exception {
        Path root = ProjectRoot.find();
        try (Lab lab = new Lab()) {
            Topology topology = TopologyBuilder.build(lab, TopologyKind.ROAMING, Family.IPV4);
            Agents agents = Agents.startIfPresent(lab, root, List.of("a", "b"));
            assertTrue(agents.running(), agents.note());
            String a = topology.uplink("a", 0).address();
            String b = topology.uplink("b", 0).address();
            List<Endpoint> endpoints = new ArrayList<>();
            Endpoint server = Endpoint.start(lab, "b", TrafficKind.MANY, true,
                    Map.of("listen", "0.0.0.0:5001", "count", Integer.toString(SESSIONS)));
            endpoints.add(server);
            server.await("ready", START_LIMIT_MS);
            Endpoint client = Endpoint.start(lab, "a", TrafficKind.MANY, false, Map.of("bind", a,
                    "connect", b + ":5001", "count", Integer.toString(SESSIONS), "intervalMs", "1000"));
            endpoints.add(client);
            client.await("connected", START_LIMIT_MS);
            Eventually.await(BOUND_LIMIT, () -> boundAtA(agents), bound -> bound == SESSIONS,
                    () -> "all " + SESSIONS + " sessions bound to A's key; A's log:\n" + agents.logTail("a"));

            lab.run("b", "nft", HOLD_ACKS);
            Path socket = agents.control("a").socket();
            long converged;
            List<StatusProber.Probe> probes;
            long moveStart;
            try (AgentEvents events = AgentEvents.follow(socket);
                    StatusProber prober = StatusProber.start(socket, Duration.ofMillis(20))) {
                moveStart = System.nanoTime();
                new Mover(topology).move(new MoveStep("a", 0, 1, MoveKind.MAKE_BEFORE_BREAK, 0));
                AgentEvents.Event move = events.await("move", ANSWER_LIMIT);
                assertEquals(Integer.toString(SESSIONS), move.fields().path("sessions").asText(), move.line());
                long announced = move.receivedNanos();
                Eventually.await(ANSWER_LIMIT, () -> prober.probes().stream()
                        .anyMatch(p -> p.ok() && p.sentNanos() >= announced),
                        () -> "a status answer after the move was announced; probes: " + prober.probes().size());
                lab.run("b", "nft", "delete", "table", "inet", "holdacks");
                converged = events.await("converged", CONVERGE_LIMIT).receivedNanos();
                probes = prober.probes();
            }
            long end = converged;
            List<StatusProber.Probe> during = probes.stream().filter(p -> p.within(moveStart, end)).toList();
            assertTrue(during.stream().allMatch(StatusProber.Probe::ok), "every status request during the move "
                    + "answered ok: " + during.stream().filter(p -> !p.ok()).findFirst().orElse(null));
            assertTrue(during.stream().anyMatch(p -> p.sentNanos() > moveStart), "status answered during the move");
            long longest = during.stream().mapToLong(StatusProber.Probe::latencyMicros).max().orElse(-1);
            System.out.printf("status during the move of %d sessions: %d answers, longest %.1f ms%n", SESSIONS,
                    during.size(), longest / 1000.0);

            endpoints.forEach(e -> e.send("quiesce"));
            for (Endpoint endpoint : endpoints) {
                endpoint.await("quiesced", REPORT_LIMIT_MS);
            }
            StreamDrain.drain(endpoints);
            for (Endpoint endpoint : endpoints) {
                StreamReport report = endpoint.report(REPORT_LIMIT_MS);
                assertEquals(0, report.connectionsFailed(), "connections failed at " + endpoint + ": "
                        + report.failure());
                assertEquals(0, report.bytesCorrupted(), "corrupted at " + endpoint);
            }
        }
    }

    private static int boundAtA(Agents agents) {
        int bound = 0;
        for (AgentPeer peer : agents.control("a").peers()) {
            bound += peer.sessions();
        }
        return bound;
    }
}
