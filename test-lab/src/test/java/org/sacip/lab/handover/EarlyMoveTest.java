package org.sacip.lab.handover;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.sacip.lab.attack.Addresses;
import org.sacip.lab.attack.VerifiedStream;
import org.sacip.lab.bench.Pause;
import org.sacip.lab.move.MoveEvent;
import org.sacip.lab.move.MoveKind;
import org.sacip.lab.scenario.StreamFigures;
import org.sacip.lab.topology.Family;

/**
 * Issue 11 acceptance, keys early: a connection moves as early as a user walks out of the Wi-Fi, and survives.
 * <ul>
 * <li>The first connection to a peer is moved the moment A's {@code peers} answer shows a key with B, with no wait
 * for anything else (the session's claim may still be on its way): make-before-break and break-before-make.</li>
 * <li>A second connection to a peer A already holds a key with is moved 50 ms after its own handshake: it is
 * claimed under the existing key at once, so no new agreement stands between it and the move.</li>
 * </ul>
 * Each stream is verified end to end (every byte arrives, in order, unchanged) and A's agent must list the session
 * as sending from Y with B's confirmation.
 */
class EarlyMoveTest {
    /** The figure: a connection this young at the move must survive it. */
    private static final long SECOND_CONNECTION_AGE_MS = 50;

    @Test
    void aConnectionMovedAsSoonAsItsKeyShowsSurvivesMakeBeforeBreakOverIpv4() {
        moveAsSoonAsTheKeyShows(Family.IPV4, MoveKind.MAKE_BEFORE_BREAK);
    }

    @Test
    void aConnectionMovedAsSoonAsItsKeyShowsSurvivesMakeBeforeBreakOverIpv6() {
        moveAsSoonAsTheKeyShows(Family.IPV6, MoveKind.MAKE_BEFORE_BREAK);
    }

    @Test
    void aConnectionMovedAsSoonAsItsKeyShowsSurvivesBreakBeforeMakeOverIpv4() {
        moveAsSoonAsTheKeyShows(Family.IPV4, MoveKind.BREAK_BEFORE_MAKE);
    }

    @Test
    void aConnectionMovedAsSoonAsItsKeyShowsSurvivesBreakBeforeMakeOverIpv6() {
        moveAsSoonAsTheKeyShows(Family.IPV6, MoveKind.BREAK_BEFORE_MAKE);
    }

    @Test
    void aSecondConnectionToAKnownPeerMoved50MsAfterItsHandshakeSurvivesOverIpv4() {
        moveASecondConnectionEarly(Family.IPV4);
    }

    @Test
    void aSecondConnectionToAKnownPeerMoved50MsAfterItsHandshakeSurvivesOverIpv6() {
        moveASecondConnectionEarly(Family.IPV6);
    }

    private static void moveAsSoonAsTheKeyShows(Family family, MoveKind kind) {
        try (RoamingWithAgents lab = new RoamingWithAgents(family)) {
            VerifiedStream stream = lab.openStream();
            long keyAfterMs = lab.awaitKeyShownAtA();
            MoveEvent move = lab.move(kind);
            String context = String.format("%s %s as soon as A showed the key (%d ms after the stream's handshake"
                    + " was reported)", family, kind, keyAfterMs);
            List<Executable> checks = new ArrayList<>();
            followed(lab, stream, context, move, checks);
            assertAll(checks);
        }
    }

    private static void moveASecondConnectionEarly(Family family) {
        try (RoamingWithAgents lab = new RoamingWithAgents(family)) {
            VerifiedStream first = lab.openStream();
            lab.awaitSessionAtA(first, "bound to a key", RoamingWithAgents::bound);
            VerifiedStream second = lab.openStream();
            // The scenario's stimulus, not a synchronisation: the move comes when the connection is this young.
            Pause.until(second.connectedAtMs() + SECOND_CONNECTION_AGE_MS);
            long ageMs = System.currentTimeMillis() - second.connectedAtMs();
            MoveEvent move = lab.move(MoveKind.MAKE_BEFORE_BREAK);
            String context = String.format("%s make-before-break %d ms after the second connection's handshake",
                    family, ageMs);
            List<Executable> checks = new ArrayList<>();
            followed(lab, second, context + " (second connection)", move, checks);
            followed(lab, first, context + " (first connection)", move, checks);
            assertAll(checks);
        }
    }

    /** Waits until A's agent sends the stream from Y, finishes it and adds the checks of its figures. */
    private static void followed(RoamingWithAgents lab, VerifiedStream stream, String context, MoveEvent move,
            List<Executable> checks) {
        String fromY = Addresses.endpoint(lab.y, stream.clientPort());
        lab.awaitSessionAtA(stream, "sending from " + fromY + " (" + context + ")",
                RoamingWithAgents.activeFrom(fromY));
        StreamFigures figures = stream.finish();
        String report = String.format("%s (%s): stream %s, longest gap %d ms, lost %d, corrupted %d%n%s", context,
                move.commands(), figures.verdict().label(), figures.maxGapMs(), figures.bytesLost(),
                figures.bytesCorrupted(), lab.sessions());
        System.out.println(report);
        checks.add(() -> assertEquals("survived", figures.verdict().label(), report));
        checks.add(() -> assertEquals(0, figures.bytesLost(), report));
        checks.add(() -> assertEquals(0, figures.bytesCorrupted(), report));
    }
}
