package org.sacip.agent.peer.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.sacip.agent.session.Opener;
import org.sacip.agent.session.OpeningProof;
import org.sacip.agent.session.SessionOpened;
import org.sacip.agent.session.SessionProtocol;
import org.sacip.agent.session.SessionTuple;
import org.sacip.protocol.message.ClaimReply;
import org.sacip.protocol.message.ClaimVerdict;
import org.sacip.protocol.message.MessageKind;

/** Which sessions a claim binds to a key lineage, and which it cannot. */
class ClaimsTest extends TwoEngines {
    @Test
    void aProofThatDiffersFromThePeersRecordIsRefusedAndTheSessionStaysUnbound() throws Exception {
        connect(a, A0, b, B0, 22);
        loop.advance(Duration.ofMillis(50));
        // A second connection whose sequence numbers a middlebox rewrote: the two records differ.
        SessionTuple ours = tuple(A0, 41000, B0, 443);
        a.sessionsOpened(List.of(new SessionOpened(ours, Opener.LOCAL, Optional.of(new OpeningProof(
                SessionProtocol.TCP, isn(1), isn(2))), loop.now())), false);
        b.sessionsOpened(List.of(new SessionOpened(reversed(ours), Opener.REMOTE, Optional.of(new OpeningProof(
                SessionProtocol.TCP, isn(2), isn(99))), loop.now())), false);
        loop.advance(Duration.ofMillis(50));
        assertEquals(ClaimVerdict.PROOF_MISMATCH, lastVerdict());
        assertEquals("proof-mismatch", atA.why.get(ours));
        assertEquals(Optional.empty(), atB.lineageOf(reversed(ours)));
    }

    @Test
    void aSessionNobodySawOpenGoesOnlyToTheFirstKeyOfItsAddressPair() throws Exception {
        // Both agents started after the connection opened: no records.
        SessionTuple old = tuple(A0, 41000, B0, 22);
        a.sessionsOpened(List.of(unrecorded(old, Opener.LOCAL, loop.now())), true);
        b.sessionsOpened(List.of(unrecorded(reversed(old), Opener.REMOTE, loop.now())), true);
        loop.advance(Duration.ofMillis(50));
        assertEquals(ClaimVerdict.BOUND, lastVerdict(), "the first key agreed for the pair takes it");
        assertTrue(atB.lineageOf(reversed(old)).isPresent());
    }

    @Test
    void aSessionThePeerDoesNotHaveIsAskedForAgainThenGivenUp() throws Exception {
        connect(a, A0, b, B0, 22);
        loop.advance(Duration.ofMillis(50));
        SessionTuple unknownThere = connect(a, A0, null, B0, 8080);
        loop.advance(Duration.ofMillis(50));
        assertEquals(ClaimVerdict.NOT_YET_SEEN, lastVerdict());
        loop.advance(Duration.ofSeconds(15));
        assertEquals("peer-has-no-such-session", atA.why.get(unknownThere));
        assertTrue(link.count(MessageKind.CLAIM) >= Claims.NOT_YET_SEEN_TRIES);
    }

    @Test
    void oneClaimNamesUpToFortySessionsAndManyGoInFewMessages() throws Exception {
        connect(a, A0, b, B0, 22);
        loop.advance(Duration.ofMillis(50));
        link.clear();
        for (int i = 0; i < 100; i++) {
            connect(a, A0, b, B0, 1000 + i);
        }
        loop.advance(Duration.ofMillis(50));
        assertEquals(3, link.count(MessageKind.CLAIM), "100 sessions opened together: 3 claims");
        assertEquals(101, lineages(b).get(0).boundSessions());
    }

    private ClaimVerdict lastVerdict() throws Exception {
        List<MemoryLink.Packet> replies = link.sent(MessageKind.CLAIM_REPLY);
        ClaimReply reply = (ClaimReply) replies.get(replies.size() - 1).decode();
        return reply.entries().get(reply.entries().size() - 1).verdict();
    }
}
