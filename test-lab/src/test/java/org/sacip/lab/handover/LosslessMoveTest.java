package org.sacip.lab.handover;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.sacip.lab.attack.Addresses;
import org.sacip.lab.attack.VerifiedStream;
import org.sacip.lab.move.MoveEvent;
import org.sacip.lab.move.MoveKind;
import org.sacip.lab.scenario.StreamFigures;
import org.sacip.lab.topology.Family;

/**
 * Issue 11 acceptance: a make-before-break move with the route switched first loses nothing, so neither end's TCP
 * retransmits a single segment. A's new default route via uplink 2 replaces the old one while A's old address X and
 * uplink 1 stay: the route change alone must start the move, X's source route keeps the session's packets on
 * uplink 1 until B confirmed, and only once A's agent sends from Y does the lab delete X and take uplink 1 down (a
 * state, not a fixed pause: how fast that happens is the benchmark's figure, 100 ms there). A verified stream
 * X -> B whose session is bound to a key runs through the move; the kernel's retransmission counters of A's and B's
 * namespaces (nothing else speaks TCP there) must not change, and the stream must arrive whole.
 */
class LosslessMoveTest {
    private static final List<String> ENDS = List.of("a", "b");

    @Test
    void makeBeforeBreakWithTheRouteSwitchedFirstRetransmitsNothingOverIpv4() {
        moveAndCountRetransmissions(Family.IPV4);
    }

    @Test
    void makeBeforeBreakWithTheRouteSwitchedFirstRetransmitsNothingOverIpv6() {
        moveAndCountRetransmissions(Family.IPV6);
    }

    private static void moveAndCountRetransmissions(Family family) {
        try (RoamingWithAgents lab = new RoamingWithAgents(family)) {
            VerifiedStream stream = lab.openStream();
            lab.awaitSessionAtA(stream, "bound to a key", RoamingWithAgents::bound);
            long[] before = TcpRetransmissions.of(lab.lab, ENDS);
            String fromY = Addresses.endpoint(lab.y, stream.clientPort());
            MoveEvent move = lab.move(MoveKind.MAKE_BEFORE_BREAK, () -> lab.awaitSessionAtA(stream,
                    "sending from " + fromY + " on the route change alone (X still on uplink 1)",
                    RoamingWithAgents.activeFrom(fromY)));
            String sessions = lab.sessions();
            StreamFigures figures = stream.finish();
            long[] after = TcpRetransmissions.of(lab.lab, ENDS);
            // A's log says when the agent planned the move and when B confirmed it.
            String report = String.format("%s make-before-break, route first (%s): retransmitted segments A %d,"
                    + " B %d; stream %s, longest gap %d ms, lost %d, corrupted %d; the move took %d ms from link up"
                    + " to link down%n%s%n%s", family, move.commands(), after[0] - before[0],
                    after[1] - before[1], figures.verdict().label(), figures.maxGapMs(), figures.bytesLost(),
                    figures.bytesCorrupted(), move.endMs() - move.startMs(), lab.movesAtA(), sessions);
            System.out.println(report);
            assertAll(
                    () -> assertEquals("survived", figures.verdict().label(), report),
                    () -> assertEquals(0, figures.bytesLost(), report),
                    () -> assertEquals(0, after[0] - before[0], "A retransmitted TCP segments across the move: "
                            + report),
                    () -> assertEquals(0, after[1] - before[1], "B retransmitted TCP segments across the move: "
                            + report));
        }
    }
}
