package org.sacip.lab.attack;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.sacip.lab.Lab;
import org.sacip.lab.move.MoveKind;
import org.sacip.lab.move.MoveStep;
import org.sacip.lab.move.Mover;
import org.sacip.lab.scenario.StreamFigures;
import org.sacip.lab.topology.Family;

/**
 * A's agent stops while its move waits for B's acknowledgement: the router drops whatever comes from A's new address
 * Y, so every update A sent is lost. A's agent starts again from its saved state, the router lets Y's packets
 * through, and the restarted agent must tell B of the move itself (the old agent's retransmissions went with it). A
 * verified stream (counters both ways, checked in order) from A's address X to B must survive with nothing lost.
 * Before 2026-12-07 the restarted agent never told B: the move stayed pending and the stream stalled for good.
 */
class RestartDuringMoveTest {
    private static final long LIMIT_MS = 15_000;

    @ParameterizedTest
    @EnumSource(value = Family.class, names = {"IPV4", "IPV6"})
    void aMoveWhoseUpdatesWereLostIsToldAgainByTheRestartedAgent(Family family) throws Exception {
        try (Lab lab = new Lab()) {
            BoundStream bound = BoundStream.open(lab, family);
            VerifiedStream stream = bound.stream();

            // On the router: B's agent captures its messages before B's own netfilter would see them.
            String ip = family == Family.IPV4 ? "ip" : "ip6";
            lab.run("r", "nft", "add table inet lost_updates { chain hold { type filter hook forward priority -400;"
                    + " " + ip + " saddr " + Addresses.text(bound.y()) + " drop; }; }");
            new Mover(bound.topology()).move(new MoveStep("a", 0, 1, MoveKind.MAKE_BEFORE_BREAK, 0));
            Waits.until("A's agent waits for B to acknowledge the move", LIMIT_MS,
                    () -> AgentFacts.session(bound.controlA(), bound.local(), bound.service()), row -> row.isPresent()
                            && "pending".equals(row.get().path("state").asText()));
            bound.restart("a");
            bound.awaitBound("a", "A's restarted agent");
            lab.run("r", "nft", "delete table inet lost_updates");

            Waits.Outcome<List<JsonNode>> aConfirmed = Waits.poll(LIMIT_MS,
                    () -> AgentFacts.sessions(bound.controlA()), AgentFacts.sendingFrom(bound.moved()));
            Waits.Outcome<Optional<JsonNode>> bFollowed = Waits.poll(LIMIT_MS,
                    () -> AgentFacts.session(bound.controlB(), bound.service(), bound.local()),
                    AgentFacts.sentTo(bound.moved()));
            boolean flowing = stream.awaitFlowing(Duration.ofMillis(LIMIT_MS));
            StreamFigures figures = stream.finish();
            System.out.printf("restart during a move (%s): stream %s%n", family, Streams.describe(figures));
            assertAll(Stream.concat(Stream.<Executable>of(
                    () -> assertTrue(aConfirmed.met(), "A's move was not acknowledged after the restart: "
                            + aConfirmed.last() + "\nA's log:\n" + bound.agents().logTail("a")),
                    () -> assertTrue(bFollowed.met(), "B does not send A's stream to Y: " + bFollowed.last()
                            + "\nB's log:\n" + bound.agents().logTail("b"))),
                    Streams.intact(stream, figures, flowing, "the restart")));
        }
    }
}
