package org.sacip.lab.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.sacip.lab.move.MoveEvent;
import org.sacip.lab.move.MoveKind;

/** The retransmission kick's lines of an agent's log, as the agent writes them, matched to the moves they follow. */
class AgentLogTest {
    private static final String KICKED = "%s INFO  RetransmissionKick: retransmission kick: %d socket(s) of"
            + " 198.18.10.2 with 198.18.1.2 waiting for a backed-off timer, %d reverted; 45 ms after the convergence"
            + " (listed and errors sent in 17 ms, checked in 21 ms)";
    private static final String STRANDED = "%s INFO  RetransmissionKick: retransmission kick: %d socket(s) of"
            + " 198.18.10.2 with 198.18.1.2 wait for a backed-off timer the kernel will not revert: the peer"
            + " acknowledged part of their data since their last timeout, which clears the retransmission count"
            + " RFC 6069's reversion needs (first: tcp 198.18.10.2:5001 -> 198.18.1.2:46289)";

    @Test
    void socketsLeftToTheirTimersAreCountedForTheMoveTheyFollow() {
        long t0 = Instant.parse("2026-12-07T08:41:00Z").toEpochMilli();
        List<BenchMove> moves = List.of(move(t0, "198.18.2.2"), move(t0 + 1500, "198.18.1.2"),
                move(t0 + 3000, "198.18.2.2"));
        AgentLog log = AgentLog.parse(List.of(
                String.format(KICKED, stamp(t0 + 380), 1, 1),
                String.format(KICKED, stamp(t0 + 1900), 2, 1),
                String.format(STRANDED, stamp(t0 + 1910), 1),
                "2026-12-07T08:41:03.400Z INFO  Handover: move 198.18.1.2 -> 198.18.2.2 converged in 370 ms: 1 key(s)"
                        + " confirmed, 0 did not",
                String.format(STRANDED, stamp(t0 + 3390), 3)));

        List<AgentLog.LeftToTimer> perMove = log.leftToTimerPerMove(moves);

        assertEquals(List.of(new AgentLog.LeftToTimer(t0, 0, 0), new AgentLog.LeftToTimer(t0 + 1500, 1, 1),
                new AgentLog.LeftToTimer(t0 + 3000, 3, 0)), perMove, "a kick the kernel took leaves nothing");
    }

    private static BenchMove move(long startMs, String target) {
        return new BenchMove(new MoveEvent("a", 1, 2, MoveKind.BREAK_BEFORE_MAKE, startMs, startMs + 400, List.of()),
                target);
    }

    private static String stamp(long epochMs) {
        return Instant.ofEpochMilli(epochMs).toString();
    }
}
