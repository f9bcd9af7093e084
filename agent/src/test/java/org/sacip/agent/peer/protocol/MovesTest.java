package org.sacip.agent.peer.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.sacip.agent.session.SessionTuple;
import org.sacip.protocol.codec.SacipEncoder;
import org.sacip.protocol.message.AddressUpdate;
import org.sacip.protocol.message.MessageKind;
import org.sacip.protocol.message.PathChallenge;
import org.sacip.protocol.message.SacipAddress;

/** Moves of our addresses and of the peer's, under the key lineage that governs the sessions. */
class MovesTest extends TwoEngines {
    @Test
    void ourMoveIsCheckedFollowedAndThenConfirmed() throws Exception {
        connect(a, A0, b, B0, 22);
        loop.advance(Duration.ofMillis(50));
        link.clear();
        a.announceMove(A0, A1);
        loop.advance(Duration.ofMillis(10));
        List<Integer> kinds = link.sent().stream().map(MemoryLink.Packet::kind).toList();
        assertEquals(List.of(7, 9, 10, 8), kinds, "update, challenge, response, acknowledgement");
        assertEquals(A1, link.sent(MessageKind.PATH_CHALLENGE).get(0).to(), "the check goes to the new address");
        assertEquals(A1, atB.lineageWithPeer(A0).peerCurrent(), "B follows A");
        assertEquals(A1, atA.lineageWithPeer(B0).localConfirmed(), "A sends from its new address once confirmed");
    }

    @Test
    void noAcknowledgementWithoutItsRewriteAndOthersAreNotHeldBack() throws Exception {
        connect(a, A0, b, B0, 22);
        loop.advance(Duration.ofMillis(50));
        // B's data path refuses A's move (a conflict): B must not tell A to switch.
        atB.fail(atB.lineageWithPeer(A0).lineage());
        link.clear();
        a.announceMove(A0, A1);
        loop.advance(Duration.ofSeconds(1));
        assertEquals(0, link.count(MessageKind.UPDATE_ACK), "never acknowledged without the rewrite");
        assertEquals(A0, atA.lineageWithPeer(B0).localConfirmed());
        // Once B's data path takes it, a repeated update is checked again and acknowledged.
        atB.heal();
        loop.advance(Duration.ofSeconds(20));
        assertEquals(A1, atA.lineageWithPeer(B0).localConfirmed());
    }

    @Test
    void challengesToAnAddressNeverOutnumberTheUpdatesFromIt() throws Exception {
        connect(a, A0, b, B0, 22);
        loop.advance(Duration.ofMillis(50));
        link.clear();
        // A keyed peer announces an address it cannot receive at (a victim's): nothing answers the challenges.
        link.lose(p -> p.to().equals(A2));
        a.announceMove(A0, A2);
        loop.advance(Duration.ofSeconds(60));
        long updates = link.sent(MessageKind.ADDRESS_UPDATE).size();
        long challenges = link.sent(MessageKind.PATH_CHALLENGE).size();
        long challengeOctets = link.sent(MessageKind.PATH_CHALLENGE).stream().mapToLong(p -> p.icmp().length).sum();
        long updateOctets = link.sent(MessageKind.ADDRESS_UPDATE).stream().mapToLong(p -> p.icmp().length).sum();
        assertTrue(challenges <= updates, challenges + " challenges for " + updates + " updates");
        assertTrue(challengeOctets < updateOctets, challengeOctets + " octets of challenge, " + updateOctets
                + " of update");
        assertTrue(link.sent(MessageKind.PATH_CHALLENGE).stream().allMatch(MemoryLink.Packet::unproven),
                "and each waits for its budget: the victim never proved it receives there");
    }

    @Test
    void aChallengeForAnAddressWeDidNotAnnounceIsNotAnswered() throws Exception {
        connect(a, A0, b, B0, 22);
        loop.advance(Duration.ofMillis(50));
        AssociationView atBView = atB.lineageWithPeer(A0);
        // Someone relays a genuine challenge of B for A2 to A's current link: A holds A2 but never announced it.
        a.announceMove(A0, A1);
        loop.advance(Duration.ofMillis(10));
        link.lose(p -> p.to().equals(A2) && p.kind() == MessageKind.PATH_CHALLENGE.code());
        link.clear();
        PathChallenge forged = new PathChallenge(atBView.keyId(), org.sacip.protocol.message.Octets.of(new byte[16]),
                org.sacip.protocol.message.Octets.of(new byte[16]));
        link.inject(B0, A2, SacipEncoder.encode(forged, B0, A2));
        loop.runReady();
        assertEquals(0, link.count(MessageKind.PATH_RESPONSE));
        assertEquals(1, a.drops().count(DropReason.NOT_OURS));
    }

    @Test
    void aMoveMovesOnlyTheSessionsOfItsLineage() throws Exception {
        SessionTuple session = connect(a, A0, b, B0, 22);
        loop.advance(Duration.ofMillis(50));
        a.announceMove(A0, A1);
        loop.advance(Duration.ofMillis(10));
        AssociationView atBView = atB.lineageWithPeer(A0);
        assertEquals(1, atBView.boundSessions());
        assertTrue(atB.lineageOf(session.reversed()).orElseThrow().equals(atBView.lineage()));
        // The update under a key id B does not know moves nothing.
        AddressUpdate replayed = (AddressUpdate) link.sent(MessageKind.ADDRESS_UPDATE).get(0).decode();
        assertEquals(atBView.keyId(), replayed.keyId());
    }

    @Test
    void theSameMoveAnnouncedAgainSendsNoSecondUpdate() throws Exception {
        connect(a, A0, b, B0, 22);
        loop.advance(Duration.ofMillis(50));
        link.clear();
        // A route change moved the sessions while A0 stayed; when A0 goes, the move is announced again.
        a.announceMove(A0, A1);
        a.announceMove(A0, A1);
        loop.advance(Duration.ofMillis(10));
        a.announceMove(A0, A1);
        loop.advance(Duration.ofSeconds(5));
        assertEquals(1, link.count(MessageKind.ADDRESS_UPDATE), "one update, confirmed once");
        assertEquals(A1, atA.lineageWithPeer(B0).localConfirmed());
    }

    @Test
    void sessionsThatMovedBeforeTheirKeyExistedFollowOnceItIsAgreed() throws Exception {
        SessionTuple session = connect(a, A0, b, B0, 22);
        // The move comes before the engine started the key agreement, let alone finished it.
        a.announceMove(A0, A1);
        loop.advance(Duration.ofSeconds(1));
        assertEquals(1, link.count(MessageKind.ADDRESS_UPDATE), "told once its session is claimed");
        assertEquals(A0, link.sent(MessageKind.HELLO).get(0).from(), "the key is agreed from the address the"
                + " session was made with");
        assertEquals(A1, atA.lineageWithPeer(B0).localConfirmed(), "A sends from its new address");
        assertEquals(A1, atB.lineageWithPeer(A0).peerCurrent(), "B follows A");
        assertEquals(atB.lineageWithPeer(A0).lineage(), atB.lineageOf(session.reversed()).orElseThrow(),
                "and the session is bound to that key");
    }

    @Test
    void anAddressThatCameBackTellsLineagesAgreedThereOfNoOldMove() throws Exception {
        SacipAddress b1 = SacipAddress.parse("198.18.0.3");
        link.own(b1, b);
        SessionTuple first = connect(a, A0, b, B0, 22);
        a.announceMove(A0, A1);
        loop.advance(Duration.ofSeconds(1));
        a.sessionsEnded(List.of(first));
        // A's sessions made at A1 go to A0, which is A's address again (a laptop back on its first network).
        connect(a, A1, b, B0, 23);
        loop.advance(Duration.ofSeconds(1));
        a.announceMove(A1, A0);
        loop.advance(Duration.ofSeconds(1));
        link.clear();
        connect(a, A0, b, b1, 24);
        loop.advance(Duration.ofSeconds(20));
        assertEquals(List.of(), link.sent(MessageKind.ADDRESS_UPDATE), "a lineage agreed at A0 after A0 came back"
                + " is told of no move");
    }
}
