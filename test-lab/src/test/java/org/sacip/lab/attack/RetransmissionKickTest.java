package org.sacip.lab.attack;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.sacip.lab.Lab;
import org.sacip.lab.agent.AgentControl;
import org.sacip.lab.agent.Agents;
import org.sacip.lab.agent.ProjectRoot;
import org.sacip.lab.move.MoveKind;
import org.sacip.lab.move.MoveStep;
import org.sacip.lab.move.Mover;
import org.sacip.lab.scenario.StreamFigures;
import org.sacip.lab.scenario.Verdict;
import org.sacip.lab.topology.Family;
import org.sacip.lab.topology.Topology;
import org.sacip.lab.topology.TopologyBuilder;
import org.sacip.lab.topology.TopologyKind;

/**
 * The retransmission kick (docs/DATAPATH.md) after a break-before-make move with a 0.3 s outage, while a verified
 * stream (counters both ways, checked in order) runs from A's address X to B. During the outage both sockets'
 * retransmissions are lost and their timers back off. Once the move converged, each agent kicks its own socket:
 * over IPv4 A's socket (whose retransmissions nobody could answer before B sent to Y) must be kicked exactly once,
 * B's at most once; over IPv6, whose TCP has no RFC 6069 reversion, A's socket must be counted as left to its timer
 * and nothing kicked. Whether the kernel took the kick is printed, not asserted: the socket's own timer may win the
 * race. Either way the stream survives with nothing lost, corrupted or out of order.
 */
class RetransmissionKickTest {
    private static final int STREAM_PORT = 5001;
    /** The outage: longer than the first retransmission timeout (0.2 s at least), so every timer has backed off. */
    private static final long OUTAGE_MS = 300;
    private static final long MOVE_LIMIT_MS = 15_000;
    private static final long KICK_LIMIT_MS = 10_000;

    @ParameterizedTest
    @EnumSource(value = Family.class, names = {"IPV4", "IPV6"})
    void afterABreakBeforeMakeMoveEachEndKicksItsOwnSocketAndTheStreamStaysIntact(Family family) throws Exception {
        try (Lab lab = new Lab()) {
            Topology topology = TopologyBuilder.build(lab, TopologyKind.ATTACKERS, family);
            InetAddress x = Addresses.of(family, 1, 2);
            InetAddress y = Addresses.of(family, 2, 2);
            InetAddress b = Addresses.of(family, 10, 2);
            Agents agents = Agents.startIfPresent(lab, ProjectRoot.find(), List.of("a", "b"));
            assertTrue(agents.running(), agents.note());
            AgentControl controlA = agents.control("a");
            AgentControl controlB = agents.control("b");
            VerifiedStream stream = VerifiedStream.open(lab, "a", x, "b", new InetSocketAddress(b, STREAM_PORT));
            PeerKeys.await(agents, "a", b);
            PeerKeys.await(agents, "b", x);
            String local = Addresses.endpoint(x, stream.clientPort());
            String service = Addresses.endpoint(b, STREAM_PORT);
            Waits.until("A's agent lists the stream bound to a key", MOVE_LIMIT_MS,
                    () -> AgentFacts.session(controlA, local, service), row -> row.isPresent()
                            && AgentFacts.boundKey(row.get()).isPresent());
            Waits.until("B's agent lists the stream bound to a key", MOVE_LIMIT_MS,
                    () -> AgentFacts.session(controlB, service, local), row -> row.isPresent()
                            && AgentFacts.boundKey(row.get()).isPresent());

            new Mover(topology, OUTAGE_MS).move(new MoveStep("a", 0, 1, MoveKind.BREAK_BEFORE_MAKE, 0));
            String moved = Addresses.endpoint(y, stream.clientPort());
            Waits.Outcome<List<JsonNode>> aConfirmed = Waits.poll(MOVE_LIMIT_MS, () -> AgentFacts.sessions(controlA),
                    AgentFacts.sendingFrom(moved));
            Waits.Outcome<Optional<JsonNode>> bFollowed = Waits.poll(MOVE_LIMIT_MS,
                    () -> AgentFacts.session(controlB, service, local), AgentFacts.sentTo(moved));
            // The kick runs on its own thread once the move converged; its counts say what it did. A's socket has
            // unacknowledged data and a backed-off timer then: its retransmissions could not be answered before B
            // sent to Y. (B's may have been answered already: it is kicked at most once, if at all.)
            String counted = family == Family.IPV4 ? "kicked" : "unsupported";
            Waits.Outcome<JsonNode> kickA = Waits.poll(KICK_LIMIT_MS, () -> kicks(controlA),
                    k -> k.path(counted).asLong() >= 1);
            // B looks at its socket once it applied A's move, kicking it only if it still waits for its timer.
            Waits.Outcome<JsonNode> lookedB = Waits.poll(KICK_LIMIT_MS, () -> kicks(controlB),
                    k -> looked(k) >= 1);
            JsonNode kickB = lookedB.last();
            StreamFigures figures = stream.finish();
            System.out.printf("retransmission kick (%s, %d ms outage): A %s, B %s; stream %s%n", family, OUTAGE_MS,
                    kickA.last(), kickB, Streams.describe(figures));
            assertAll(
                    () -> assertTrue(aConfirmed.met(), "A's move was not acknowledged: " + aConfirmed.last()),
                    () -> assertTrue(bFollowed.met(), "B does not send A's stream to Y: " + bFollowed.last()),
                    () -> assertTrue(kickA.met(), "A's agent did not count its socket as " + counted + ": "
                            + kickA.last()),
                    () -> assertEquals(family == Family.IPV4 ? 1 : 0, kickA.last().path("kicked").asLong(),
                            "A's sockets kicked (one stream, one move, at most once; IPv6 never): " + kickA.last()),
                    () -> assertTrue(lookedB.met(), "B's agent did not look at its socket: " + kickB),
                    () -> assertTrue(kickB.path("kicked").asLong() <= (family == Family.IPV4 ? 1 : 0),
                            "B's sockets kicked (one stream, one move, at most once; IPv6 never): " + kickB),
                    () -> assertEquals(0, kickA.last().path("failed").asLong(), "A's kick failed: " + kickA.last()),
                    () -> assertEquals(0, kickB.path("failed").asLong(), "B's kick failed: " + kickB),
                    () -> assertEquals(Verdict.SURVIVED, figures.verdict(), "the stream: " + Streams.describe(figures)),
                    () -> assertEquals(0, figures.bytesLost(), "bytes lost: " + Streams.describe(figures)),
                    () -> assertEquals(0, figures.bytesCorrupted(), "bytes corrupted or out of order: "
                            + Streams.describe(figures)),
                    () -> assertEquals(0, stream.extraOctetsAtServer(), "octets B received beyond what A sent"));
        }
    }

    private static JsonNode kicks(AgentControl control) {
        return control.status().path("retransmission_kicks");
    }

    /** Sockets the kick looked at, whatever it did with them. */
    private static long looked(JsonNode kicks) {
        return kicks.path("kicked").asLong() + kicks.path("idle").asLong() + kicks.path("unknown").asLong()
                + kicks.path("unsupported").asLong() + kicks.path("failed").asLong();
    }
}
