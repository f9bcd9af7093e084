package org.sacip.agent.peer.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sacip.agent.session.SessionTuple;
import org.sacip.protocol.claim.SentClaim;
import org.sacip.protocol.codec.Envelope;
import org.sacip.protocol.message.ClaimEntry;
import org.sacip.protocol.message.ClaimReply;
import org.sacip.protocol.message.ClaimVerdict;
import org.sacip.protocol.message.MessageKind;
import org.sacip.protocol.message.Octets;

/**
 * A moved from A0 to A1 with a session to B; later host C gets A0 and, with its own agent, talks to B. C's key governs
 * only C's sessions: A's session stays with A's key, follows A's next move, and C can neither take it by claim nor
 * move it by announcing a return home.
 */
class AddressReuseTest extends TwoEngines {
    @TempDir
    Path stateC;
    final RecordingHandover atC = new RecordingHandover();
    PeerProtocol c;
    SessionTuple aSession;
    AssociationView aLineageAtB;

    @BeforeEach
    void aMovesAndCTakesItsOldAddress() throws Exception {
        aSession = connect(a, A0, b, B0, 22);
        loop.advance(Duration.ofMillis(50));
        a.announceMove(A0, A1);
        loop.advance(Duration.ofMillis(50));
        aLineageAtB = atB.lineageWithPeer(A0);
        assertEquals(A1, aLineageAtB.peerCurrent());
        link.disown(A0);
        c = open(atC, stateC);
        link.own(A0, c);
        loop.runReady();
        // Innocent: C opens its own connection to B from A0; C's agent agrees a key of its own.
        connect(c, A0, b, B0, 443);
        loop.advance(Duration.ofMillis(50));
    }

    @Test
    void bKeepsBothKeysAndEachGovernsOnlyItsOwnSessions() {
        List<AssociationView> atBLineages = lineages(b);
        assertEquals(2, atBLineages.size(), "a plain handshake never replaces a key that holds sessions");
        AssociationView cLineage = atBLineages.stream().filter(v -> !v.lineage().equals(aLineageAtB.lineage()))
                .findFirst().orElseThrow();
        assertEquals(1, cLineage.boundSessions());
        assertEquals(Optional.of(aLineageAtB.lineage()), atB.lineageOf(aSession.reversed()));
    }

    @Test
    void cAnnouncingAReturnHomeMovesNothingOfA() {
        c.announceMove(A0, A0);
        loop.advance(Duration.ofSeconds(5));
        assertEquals(A1, atB.lineages.get(aLineageAtB.lineage()).peerCurrent(), "A's session still goes to A1");
        // And A's next move still works under A's key.
        link.own(A2, a);
        a.announceMove(A0, A2);
        loop.advance(Duration.ofMillis(50));
        assertEquals(A2, atB.lineages.get(aLineageAtB.lineage()).peerCurrent());
    }

    @Test
    void cannotClaimAsSessionWhateverProofItGuesses() throws Exception {
        AssociationView cAtC = lineages(c).get(0);
        Association cLineage = c.association(cAtC.lineage()).orElseThrow();
        link.clear();
        // C names A's session (it knows the ports: they are on the wire) with guessed and with no proof.
        List<ClaimEntry> entries = List.of(
                ClaimEntry.tcp(aSession.local().port(), aSession.remote().port(), Octets.of(new byte[] {1, 2, 3, 4,
                        5, 6, 7, 8, 0, 0, 0, 0, 0, 0, 0, 0})),
                ClaimEntry.withoutRecord(org.sacip.protocol.message.ClaimProtocol.TCP, aSession.local().port(),
                        aSession.remote().port()));
        SentClaim claim = cLineage.keys.current.claimMessages.claim(99, A0, B0, entries, new Envelope.Icmp(A0, B0));
        link.inject(A0, B0, claim.encode());
        loop.runReady();
        ClaimReply reply = (ClaimReply) link.sent(MessageKind.CLAIM_REPLY).get(0).decode();
        assertEquals(ClaimVerdict.HELD_BY_OTHER_KEY, reply.entries().get(0).verdict());
        assertEquals(ClaimVerdict.HELD_BY_OTHER_KEY, reply.entries().get(1).verdict());
        assertEquals(Optional.of(aLineageAtB.lineage()), atB.lineageOf(aSession.reversed()));
        assertNotEquals(cAtC.lineage(), aLineageAtB.lineage());
        assertTrue(atC.lineageOf(aSession).isEmpty());
    }
}
