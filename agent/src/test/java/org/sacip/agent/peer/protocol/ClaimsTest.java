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
        b.sessionsOpened(List.of(new SessionOpened(ours.reversed(), Opener.REMOTE, Optional.of(new OpeningProof(
                SessionProtocol.TCP, isn(2), isn(99))), loop.now())), false);
        loop.advance(Duration.ofMillis(50));
        assertEquals(ClaimVerdict.PROOF_MISMATCH, lastVerdict());
        assertEquals("proof-mismatch", atA.why.get(ours));
        assertEquals(Optional.empty(), atB.lineageOf(ours.reversed()));
    }

    @Test
    void aSessionNobodySawOpenGoesOnlyToTheFirstKeyOfItsAddressPair() throws Exception {
        // Both agents started after the connection opened: no records.
        SessionTuple old = tuple(A0, 41000, B0, 22);
        a.sessionsOpened(List.of(unrecorded(old, Opener.LOCAL, loop.now())), true);
        b.sessionsOpened(List.of(unrecorded(old.reversed(), Opener.REMOTE, loop.now())), true);
        loop.advance(Duration.ofMillis(50));
        assertEquals(ClaimVerdict.BOUND, lastVerdict(), "the first key agreed for the pair takes it");
        assertTrue(atB.lineageOf(old.reversed()).isPresent());
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

    @Test
    void aBurstOfSessionsIsClaimedAWindowOfClaimsAtATimeAndEveryOneIsBound() throws Exception {
        connect(a, A0, b, B0, 22);
        loop.advance(Duration.ofMillis(50));
        link.clear();
        link.hold(packet -> packet.kind() == MessageKind.CLAIM_REPLY.code());
        for (int i = 0; i < 1000; i++) {
            connect(a, A0, b, B0, 1000 + i);
        }
        loop.advance(Duration.ofMillis(50));
        assertEquals(Claims.WINDOW, link.count(MessageKind.CLAIM),
                "no more claims in flight than the window while none is answered");
        link.release();
        loop.advance(Duration.ofMillis(50));
        assertEquals(1001, lineages(b).get(0).boundSessions());
        assertEquals(1001, lineages(a).get(0).boundSessions());
        assertEquals(25, link.count(MessageKind.CLAIM), "1,000 sessions, 40 a claim, none sent twice");
    }

    @Test
    void aClaimLostForGoodWhileThePeerAnswersOthersIsMadeAgainNotGivenUp() throws Exception {
        connect(a, A0, b, B0, 22);
        loop.advance(Duration.ofMillis(50));
        link.clear();
        // Every transmission of the second claim is lost; the peer answers all the others.
        long[] lostNumber = {-1};
        link.lose(packet -> {
            if (packet.kind() != MessageKind.CLAIM.code()) {
                return false;
            }
            try {
                long number = ((org.sacip.protocol.message.Claim) packet.decode()).claimNumber();
                if (lostNumber[0] < 0 && link.count(MessageKind.CLAIM) == 2) {
                    lostNumber[0] = number;
                }
                return number == lostNumber[0];
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        });
        List<SessionTuple> sessions = new java.util.ArrayList<>();
        for (int i = 0; i < 200; i++) {
            sessions.add(connect(a, A0, b, B0, 1000 + i));
        }
        loop.advance(RetransmitPolicy.CLAIM.worstCaseTotal().plusSeconds(1));
        assertEquals(201, lineages(b).get(0).boundSessions(), "the lost claim's sessions were claimed again");
        assertEquals(201, lineages(a).get(0).boundSessions());
        for (SessionTuple session : sessions) {
            assertTrue(atA.lineageOf(session).isPresent(), session + " bound at A, not " + atA.why.get(session));
        }
    }

    @Test
    void claimsUnansweredWhileThePeerIsSilentLeaveTheirSessionsUnboundAsWithoutAnAgent() throws Exception {
        connect(a, A0, b, B0, 22);
        loop.advance(Duration.ofMillis(50));
        link.lose(packet -> packet.kind() == MessageKind.CLAIM.code());
        SessionTuple orphan = connect(a, A0, b, B0, 8443);
        loop.advance(RetransmitPolicy.CLAIM.worstCaseTotal().plusSeconds(1));
        assertEquals("no-agent", atA.why.get(orphan));
        assertEquals(1, lineages(a).get(0).boundSessions());
    }

    @Test
    void sessionsLeftWithoutAKeyBecauseThePeerWasSilentGetOneWhenItAnswersAfterThePause() throws Exception {
        link.lose(packet -> packet.to().equals(B0));
        SessionTuple early = connect(a, A0, b, B0, 22);
        loop.advance(RetransmitPolicy.HANDSHAKE.worstCaseTotal());
        assertEquals("no-agent", atA.why.get(early), "the peer's agent was overloaded: no answer");
        link.lose(packet -> false);
        loop.advance(KeyAgreement.RETRY_AFTER_FAILED_HANDSHAKE.plusSeconds(5));
        assertTrue(atA.lineageOf(early).isPresent(), "agreed and claimed after the pause, not " + atA.why.get(early));
    }

    @Test
    void eachFailureInARowDoublesThePauseBeforeTheNextAttempt() throws Exception {
        link.lose(packet -> packet.to().equals(B0));
        connect(a, A0, b, B0, 22);
        loop.advance(RetransmitPolicy.HANDSHAKE.worstCaseTotal());
        long firstSeries = link.count(MessageKind.HELLO);
        loop.advance(KeyAgreement.RETRY_AFTER_FAILED_HANDSHAKE.plus(RetransmitPolicy.HANDSHAKE.worstCaseTotal()));
        assertEquals(2 * firstSeries, link.count(MessageKind.HELLO), "tried again once after the first pause");
        loop.advance(KeyAgreement.RETRY_AFTER_FAILED_HANDSHAKE.plusSeconds(5));
        assertEquals(2 * firstSeries, link.count(MessageKind.HELLO), "the second pause is twice as long");
        loop.advance(KeyAgreement.RETRY_AFTER_FAILED_HANDSHAKE.plus(RetransmitPolicy.HANDSHAKE.worstCaseTotal()));
        assertEquals(3 * firstSeries, link.count(MessageKind.HELLO));
    }

    private ClaimVerdict lastVerdict() throws Exception {
        List<MemoryLink.Packet> replies = link.sent(MessageKind.CLAIM_REPLY);
        ClaimReply reply = (ClaimReply) replies.get(replies.size() - 1).decode();
        return reply.entries().get(reply.entries().size() - 1).verdict();
    }
}
