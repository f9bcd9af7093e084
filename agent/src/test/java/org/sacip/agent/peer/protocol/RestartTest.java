package org.sacip.agent.peer.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.sacip.agent.session.Opener;
import org.sacip.agent.session.SessionTuple;
import org.sacip.agent.state.StateFileException;
import org.sacip.protocol.message.MessageKind;

/** An engine that stops (kill -9 included: the state is written as it changes) and starts again from its state. */
class RestartTest extends TwoEngines {
    @Test
    void keysAndBindingsSurviveARestartAndOnlySessionsStillThereAreBoundAgain() throws Exception {
        SessionTuple kept = connect(a, A0, b, B0, 22);
        SessionTuple gone = connect(a, A0, b, B0, 80);
        loop.advance(Duration.ofSeconds(1));
        AssociationView before = lineages(b).get(0);
        assertEquals(2, before.boundSessions());
        // B restarts: a new engine on the same state; of the two sessions only one is still in the kernel.
        RecordingHandover afterRestart = new RecordingHandover();
        PeerProtocol again = open(afterRestart, stateB);
        link.own(B0, again);
        again.sessionsOpened(List.of(unrecorded(kept.reversed(), Opener.REMOTE, loop.now())), true);
        loop.runReady();
        assertEquals(1, lineages(again).size());
        assertEquals(before.keyId(), lineages(again).get(0).keyId());
        assertEquals(Optional.of(before.lineage()), afterRestart.lineageOf(kept.reversed()));
        assertEquals(Optional.empty(), afterRestart.lineageOf(gone.reversed()), "a binding not confirmed by the "
                + "kernel's sessions is forgotten");
        // A's move is still authenticated and followed by the restarted engine.
        a.announceMove(A0, A1);
        loop.advance(Duration.ofMillis(50));
        assertEquals(A1, afterRestart.lineageWithPeer(A0).peerCurrent());
        assertEquals(1, link.count(MessageKind.UPDATE_ACK));
    }

    @Test
    void sequenceNumbersAreNeverReusedAfterARestart() throws Exception {
        connect(a, A0, b, B0, 22);
        loop.advance(Duration.ofSeconds(1));
        a.announceMove(A0, A1);
        loop.advance(Duration.ofMillis(50));
        long used = atA.lineageWithPeer(B0).lastSequenceSent();
        PeerProtocol again = open(new RecordingHandover(), stateA);
        assertTrue(again.association(atA.lineageWithPeer(B0).lineage()).orElseThrow().own.lastSequenceSent > used,
                "numbers up to the reservation may have been sent: a restart continues above them");
    }

    @Test
    void numbersReservedAheadOfUseAreNeverReusedAfterARestartEvenPastTheFirstReservation() throws Exception {
        connect(a, A0, b, B0, 22);
        loop.advance(Duration.ofSeconds(1));
        // More moves than one reservation holds: later reservations are written ahead, off the moves' path.
        int moves = (int) OwnMoves.SEQUENCE_RESERVATION * 3 + 5;
        for (int i = 0; i < moves; i++) {
            a.announceMove(A0, i % 2 == 0 ? A1 : A2);
            loop.advance(Duration.ofMillis(50));
        }
        assertEquals(moves, link.count(MessageKind.UPDATE_ACK), "every move was acknowledged");
        long used = atA.lineageWithPeer(B0).lastSequenceSent();
        PeerProtocol again = open(new RecordingHandover(), stateA);
        assertTrue(again.association(atA.lineageWithPeer(B0).lineage()).orElseThrow().own.lastSequenceSent > used,
                "the restart continues above every number sent (" + used + ")");
    }

    @Test
    void aStateFileThatIsNotOursStopsTheStartWithAReason() throws Exception {
        connect(a, A0, b, B0, 22);
        loop.advance(Duration.ofSeconds(1));
        Files.writeString(stateA.resolve(EngineStore.FILE_NAME), "{\"format\":\"something else\"}");
        StateFileException e = org.junit.jupiter.api.Assertions.assertThrows(StateFileException.class,
                () -> open(new RecordingHandover(), stateA));
        assertTrue(e.getMessage().contains("not a SACIP peer state file"), e.getMessage());
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(
                stateB.resolve(EngineStore.FILE_NAME))), "key material is kept 0600");
    }
}
