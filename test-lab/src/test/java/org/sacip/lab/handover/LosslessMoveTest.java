package org.sacip.lab.handover;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.sacip.lab.attack.Addresses;
import org.sacip.lab.attack.VerifiedStream;
import org.sacip.lab.move.MoveEvent;
import org.sacip.lab.move.MoveKind;
import org.sacip.lab.move.Mover;
import org.sacip.lab.scenario.StreamFigures;
import org.sacip.lab.topology.Family;

/**
 * Issue 11 acceptance: a make-before-break move with the route switched first loses nothing, so neither end's TCP
 * retransmits a single segment. The lab's make-before-break is exactly that: A's new default route via uplink 2
 * replaces the old one, and only 100 ms later A's old address X is deleted and uplink 1 goes down. A verified
 * stream X -> B whose session is bound to a key runs through the move; the kernel's retransmission counters of A's
 * and B's namespaces (nothing else speaks TCP there) must not change, and the stream must arrive whole.
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
            MoveEvent move = lab.move(MoveKind.MAKE_BEFORE_BREAK);
            String fromY = Addresses.endpoint(lab.y, stream.clientPort());
            lab.awaitSessionAtA(stream, "sending from " + fromY, RoamingWithAgents.activeFrom(fromY));
            String sessions = lab.sessions();
            StreamFigures figures = stream.finish();
            long[] after = TcpRetransmissions.of(lab.lab, ENDS);
            // Nothing is lost if B confirmed the move before the old address and link went (the lab gives
            // Mover.HALF_PAUSE_MS); A's log says when the agent planned the move and when B confirmed it.
            String report = String.format("%s make-before-break, route first (%s): retransmitted segments A %d,"
                    + " B %d; stream %s, longest gap %d ms, lost %d, corrupted %d; the lab deletes the old address %d ms after"
                    + " switching the route%n%s%n%s", family, move.commands(), after[0] - before[0],
                    after[1] - before[1], figures.verdict().label(), figures.maxGapMs(), figures.bytesLost(),
                    figures.bytesCorrupted(), Mover.HALF_PAUSE_MS, lab.movesAtA(), sessions);
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
