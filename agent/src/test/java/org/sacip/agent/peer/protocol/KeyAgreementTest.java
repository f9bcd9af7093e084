package org.sacip.agent.peer.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.sacip.agent.session.Opener;
import org.sacip.agent.session.SessionTuple;
import org.sacip.protocol.codec.SacipEncoder;
import org.sacip.protocol.message.CookieReply;
import org.sacip.protocol.message.Hello;
import org.sacip.protocol.message.MessageKind;
import org.sacip.protocol.message.Octets;
import org.sacip.protocol.message.Refusal;
import org.sacip.protocol.message.RefusalReason;

/** First handshakes: who starts them, what they cost, and what cannot stop them. */
class KeyAgreementTest extends TwoEngines {
    @Test
    void theOpenerAgreesAKeyAndClaimsItsSessionWhichBothSidesBind() throws Exception {
        SessionTuple session = connect(a, A0, b, B0, 22);
        loop.advance(Duration.ofMillis(50));
        for (MessageKind kind : List.of(MessageKind.HELLO, MessageKind.COOKIE, MessageKind.INIT,
                MessageKind.INIT_REPLY, MessageKind.INIT_CONFIRM, MessageKind.CLAIM, MessageKind.CLAIM_REPLY)) {
            assertEquals(1, link.count(kind), kind.toString());
        }
        assertEquals(1, link.sent(MessageKind.HELLO).stream().filter(p -> p.from().equals(A0)).count(),
                "A, which opened the connection, starts the handshake");
        AssociationView atAView = atA.lineageWithPeer(B0);
        AssociationView atBView = atB.lineageWithPeer(A0);
        assertEquals(atAView.lineage(), atBView.lineage());
        assertEquals(Optional.of(atAView.lineage()), atA.lineageOf(session), "bound at A");
        assertEquals(Optional.of(atAView.lineage()), atB.lineageOf(session.reversed()), "bound at B");
        assertEquals(0, a.drops().total() + b.drops().total());
        // A second connection to a known peer is claimed under the same key: no new handshake.
        SessionTuple second = connect(a, A0, b, B0, 80);
        loop.advance(Duration.ofMillis(50));
        assertEquals(1, link.count(MessageKind.HELLO));
        assertEquals(Optional.of(atAView.lineage()), atB.lineageOf(second.reversed()));
        assertEquals(2, lineages(b).get(0).boundSessions());
    }

    @Test
    void aSessionThePeerOpenedNeverMakesUsSendFirst() {
        // B has a connection A opened, but A's agent says nothing (none there, or the flow was spoofed).
        SessionTuple atBSide = tuple(B0, 53, A0, 41000);
        b.sessionsOpened(List.of(unrecorded(atBSide, Opener.REMOTE, loop.now())), false);
        loop.advance(Duration.ofMinutes(2));
        assertEquals(0, link.sent().size(), "B sends nothing towards a host that opened a flow to it");
        assertEquals("peer-to-claim", atB.why.get(atBSide));
    }

    @Test
    void aForgedCookieAndAForgedRefusalDoNotEndTheHandshake() throws Exception {
        // An on-path attacker sees A's HELLO and answers first with a junk cookie, then refuses A's handshake.
        link.hold(p -> p.kind() == MessageKind.COOKIE.code());
        connect(a, A0, b, B0, 22);
        loop.runReady();
        Hello hello = (Hello) link.sent(MessageKind.HELLO).get(0).decode();
        link.inject(B0, A0, SacipEncoder.encode(new CookieReply(hello.initiatorNonce(), Octets.of(new byte[16])),
                B0, A0));
        link.inject(B0, A0, SacipEncoder.encode(new Refusal(RefusalReason.BUSY, hello.initiatorNonce()), B0, A0));
        loop.runReady();
        link.release();
        loop.advance(Duration.ofMillis(50));
        assertEquals(1, lineages(a).size(), "the genuine cookie still led to a key");
        assertEquals(2, link.count(MessageKind.INIT), "one INIT per distinct cookie");
    }

    @Test
    void aPeerOutsideTheManagedOnesIsRefusedNotAllowed() throws Exception {
        PeerProtocol strict = PeerProtocol.open(loop, link.outbox(), new RecordingHandover(),
                EngineStore.inline(stateB.resolve("x")),
                new java.security.SecureRandom(), limits(), peer -> !peer.equals(A0));
        link.own(B0, strict);
        connect(a, A0, strict, B0, 22);
        loop.advance(Duration.ofMillis(50));
        assertEquals(1, link.count(MessageKind.REFUSAL));
        assertEquals(RefusalReason.NOT_ALLOWED, ((Refusal) link.sent(MessageKind.REFUSAL).get(0).decode()).reason());
        assertEquals(1, strict.drops().count(DropReason.NOT_MANAGED));
        assertTrue(lineages(strict).isEmpty());
    }

    @Test
    void answersToUnauthenticatedMessagesNeverResolveANextHopAndNeverExceedTheirRequest() {
        connect(a, A0, b, B0, 22);
        loop.advance(Duration.ofMillis(50));
        MemoryLink.Packet hello = link.sent(MessageKind.HELLO).get(0);
        MemoryLink.Packet cookie = link.sent(MessageKind.COOKIE).get(0);
        assertTrue(cookie.answer(), "a COOKIE is sent only over a known next hop");
        assertTrue(cookie.unproven(), "and counted against what A sent B");
        assertEquals(hello.icmp().length, cookie.icmp().length);
        assertTrue(!link.sent(MessageKind.INIT_REPLY).get(0).unproven(), "the INIT's cookie proved A's address");
    }
}
