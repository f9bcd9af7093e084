package org.sacip.agent.peer.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.sacip.agent.session.Opener;
import org.sacip.agent.session.SessionOpened;
import org.sacip.agent.session.SessionTuple;
import org.sacip.agent.state.StateFileException;
import org.sacip.protocol.message.MessageKind;
import org.sacip.protocol.message.SacipAddress;

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
    void theOpeningsOfBoundSessionsAreGivenBackOnceForTheSessionsFoundAtStart() throws Exception {
        SessionTuple kept = connect(a, A0, b, B0, 22);
        SessionTuple reused = connect(a, A0, b, B0, 80);
        SessionTuple unbound = connect(a, A0, null, B0, 443);
        loop.advance(Duration.ofSeconds(1));
        PeerProtocol again = open(new RecordingHandover(), stateA);
        SessionOpened keptFound = unrecorded(kept, Opener.UNKNOWN, loop.now());
        // The tuple of the second one came back with the other end as its opener: another connection.
        SessionOpened reusedFound = unrecorded(reused, Opener.REMOTE, loop.now());
        SessionOpened unboundFound = unrecorded(unbound, Opener.LOCAL, loop.now());
        List<SessionOpened> later = List.of(keptFound);
        assertEquals(later, again.withSavedOpenings(later, false), "a session found after the start is a new one");
        List<SessionOpened> found = again.withSavedOpenings(List.of(keptFound, reusedFound, unboundFound), true);
        assertEquals(List.of(new SessionOpened(kept, Opener.LOCAL, Optional.of(proofs.get(kept)), keptFound.since()),
                reusedFound, unboundFound), found);
        assertEquals(List.of(keptFound), again.withSavedOpenings(List.of(keptFound), true), "given back once");
        // The engine keeps the restored opening with the binding: it saves it again, for the next restart (the state
        // is saved once another session is bound).
        again.sessionsOpened(found, true);
        link.own(A0, again);
        loop.runReady();
        connect(again, A0, b, B0, 8080);
        loop.advance(Duration.ofSeconds(1));
        PeerProtocol third = open(new RecordingHandover(), stateA);
        assertEquals(List.of(found.get(0)), third.withSavedOpenings(List.of(keptFound), true));
    }

    /**
     * The peer's address had shown it receives there (it answered the key agreement): after a restart the agent may
     * still send it more than it received from it since, or the update of the first move, from an address the peer
     * never sent to, would wait for an anti-amplification budget that never comes.
     */
    @ParameterizedTest(name = "a state file of an earlier version: {0}")
    @ValueSource(booleans = {false, true})
    void aPeerProvenBeforeARestartIsStillProvenAfterIt(boolean earlierVersion) throws Exception {
        SessionTuple session = connect(a, A0, b, B0, 22);
        loop.advance(Duration.ofSeconds(1));
        Path file = stateA.resolve(EngineStore.FILE_NAME);
        String saved = Files.readString(file);
        assertTrue(saved.contains("\"peer_proven\":[\"" + B0 + "\"]"), saved);
        if (earlierVersion) {
            // Those kept no list: where the peer is was proven when it was set.
            Files.writeString(file, saved.replaceAll(",\"peer_proven\":\\[[^]]*]", ""));
            assertFalse(Files.readString(file).contains("peer_proven"), "the list taken out");
        }
        PeerProtocol again = open(new RecordingHandover(), stateA);
        link.own(A0, again);
        link.own(A1, again);
        again.sessionsOpened(List.of(unrecorded(session, Opener.UNKNOWN, loop.now())), true);
        loop.runReady();
        link.clear();
        again.announceMove(A0, A1);
        loop.advance(Duration.ofMillis(50));
        List<MemoryLink.Packet> updates = link.sent(MessageKind.ADDRESS_UPDATE);
        assertEquals(1, updates.size(), "updates sent");
        assertFalse(updates.get(0).unproven(), "the update to the peer counted as one to an unproven address");
        assertEquals(1, link.count(MessageKind.UPDATE_ACK));
    }

    /**
     * The agent stopped after announcing a move that the peer had not acknowledged yet (its updates were lost: a
     * break-before-make move whose new path was not up yet). The restarted agent announces the moves it resumes
     * (its handover state has them) before its sessions are found again; the peer is told once they are bound
     * again, or they would stay pending for good.
     */
    @Test
    void aMoveThePeerNeverConfirmedIsAnnouncedAgainAfterARestart() throws Exception {
        SessionTuple session = connect(a, A0, b, B0, 22);
        loop.advance(Duration.ofSeconds(1));
        link.lose(packet -> true);
        a.announceMove(A0, A1);
        loop.advance(Duration.ofSeconds(2));
        assertEquals(0, link.count(MessageKind.UPDATE_ACK));
        RecordingHandover afterRestart = restartAfterMoving(session, A1);
        assertEquals(1, link.count(MessageKind.UPDATE_ACK), "the peer acknowledged the move");
        assertEquals(A1, atB.lineageWithPeer(A0).peerCurrent(), "B sends to A's new address");
        assertEquals(A1, afterRestart.lineageWithPeer(B0).localConfirmed(), "A's move is confirmed");
    }

    /** The same for a return home whose updates were lost: the peer is told that the sessions live at home again. */
    @Test
    void aReturnHomeThePeerNeverConfirmedIsAnnouncedAgainAfterARestart() throws Exception {
        SessionTuple session = connect(a, A0, b, B0, 22);
        loop.advance(Duration.ofSeconds(1));
        a.announceMove(A0, A1);
        loop.advance(Duration.ofSeconds(1));
        link.lose(packet -> true);
        a.announceMove(A0, A0);
        loop.advance(Duration.ofSeconds(2));
        assertEquals(A1, atB.lineageWithPeer(A0).peerCurrent(), "B did not hear of the return");
        RecordingHandover afterRestart = restartAfterMoving(session, A0);
        assertEquals(1, link.count(MessageKind.UPDATE_ACK), "the peer acknowledged the return");
        assertEquals(A0, atB.lineageWithPeer(A0).peerCurrent(), "B sends to A's home address");
        assertEquals(A0, afterRestart.lineageWithPeer(B0).localConfirmed(), "A's return is confirmed");
    }

    /** A move the peer confirmed before the restart is not announced again: it would cost the peer a check. */
    @Test
    void aMoveThePeerConfirmedBeforeARestartIsNotAnnouncedAgain() throws Exception {
        SessionTuple session = connect(a, A0, b, B0, 22);
        loop.advance(Duration.ofSeconds(1));
        a.announceMove(A0, A1);
        loop.advance(Duration.ofSeconds(1));
        assertEquals(1, link.count(MessageKind.UPDATE_ACK));
        RecordingHandover afterRestart = restartAfterMoving(session, A1);
        assertEquals(0, link.count(MessageKind.ADDRESS_UPDATE), "updates after the restart");
        assertEquals(A1, afterRestart.lineageWithPeer(B0).localConfirmed(), "A's move is still confirmed");
    }

    /**
     * A stops and starts again on its state, in the agent's order: the move its handover state resumes (A0 to
     * {@code movedTo}) is announced, then the first dump finds the session.
     */
    private RecordingHandover restartAfterMoving(SessionTuple session, SacipAddress movedTo) throws Exception {
        a.close();
        link.lose(packet -> false);
        link.clear();
        RecordingHandover afterRestart = new RecordingHandover();
        PeerProtocol again = open(afterRestart, stateA);
        link.own(A0, again);
        link.own(A1, again);
        again.announceMove(A0, movedTo);
        again.sessionsOpened(List.of(unrecorded(session, Opener.LOCAL, loop.now())), true);
        loop.advance(Duration.ofSeconds(1));
        return afterRestart;
    }

    @Test
    void aSavedOpeningThatIsNotOneStopsTheStartWithAReason() throws Exception {
        connect(a, A0, b, B0, 22);
        loop.advance(Duration.ofSeconds(1));
        Path file = stateA.resolve(EngineStore.FILE_NAME);
        String saved = Files.readString(file);
        assertTrue(saved.contains("\"opener\":\"local\""), saved);
        Files.writeString(file, saved.replaceFirst("\"proof_ours\":\"[0-9a-f]*\"", "\"proof_ours\":\"0102\""));
        StateFileException e = org.junit.jupiter.api.Assertions.assertThrows(StateFileException.class,
                () -> open(new RecordingHandover(), stateA));
        assertTrue(e.getMessage().contains("binding 0 is invalid") && e.getMessage().contains("opening proof"),
                e.getMessage());
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
