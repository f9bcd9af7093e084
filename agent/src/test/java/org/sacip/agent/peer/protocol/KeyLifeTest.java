package org.sacip.agent.peer.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.sacip.agent.session.SessionTuple;
import org.sacip.protocol.codec.SacipEncoder;
import org.sacip.protocol.message.MessageKind;
import org.sacip.protocol.message.Refusal;
import org.sacip.protocol.message.RefusalReason;
import org.sacip.protocol.message.Rekey;

/** Renewal while a lineage holds sessions, expiry and idle erasure without, and what cannot disturb them. */
class KeyLifeTest extends TwoEngines {
    @Override
    EngineLimits limits() {
        return EngineLimits.defaults().withKeyIdleKeep(Duration.ofHours(2));
    }

    @Test
    void aKeyWithSessionsIsRenewedUnderItselfAndKeepsItsLineage() {
        connect(a, A0, b, B0, 22);
        loop.advance(Duration.ofMillis(50));
        AssociationView before = atA.lineageWithPeer(B0);
        loop.advance(Duration.ofHours(23).plusMinutes(11));
        AssociationView after = atA.lineageWithPeer(B0);
        assertEquals(before.lineage(), after.lineage(), "a renewal keeps the lineage");
        assertNotEquals(before.keyId(), after.keyId());
        assertEquals(after.keyId(), atB.lineageWithPeer(A0).keyId());
        assertEquals(1, link.count(MessageKind.REKEY));
        assertEquals(1, lineages(b).get(0).boundSessions(), "its session stays bound");
    }

    @Test
    void aKeyWithoutSessionsIsNotRenewedAndGoesAfterKeyIdleKeep() {
        SessionTuple session = connect(a, A0, b, B0, 22);
        loop.advance(Duration.ofMillis(50));
        a.sessionsEnded(List.of(session));
        b.sessionsEnded(List.of(session.reversed()));
        loop.advance(Duration.ofMinutes(119));
        assertEquals(1, lineages(a).size(), "kept for key-idle-keep: a new connection to the peer needs no handshake");
        loop.advance(Duration.ofMinutes(2));
        assertTrue(lineages(a).isEmpty());
        assertTrue(lineages(b).isEmpty());
        assertEquals(0, link.count(MessageKind.REKEY));
    }

    @Test
    void aRecordedRekeyReplayedIsDroppedAndForgedRefusalsDoNotEndARenewal() throws Exception {
        connect(a, A0, b, B0, 22);
        loop.advance(Duration.ofMillis(50));
        // A's renewal: the first REKEY is lost, and an injector refuses it with every reason it can.
        link.lose(p -> p.kind() == MessageKind.REKEY.code() && link.count(MessageKind.REKEY) == 1);
        loop.advance(Duration.ofHours(23).plusMinutes(10).plusSeconds(1));
        Rekey rekey = (Rekey) link.sent(MessageKind.REKEY).get(0).decode();
        for (RefusalReason reason : List.of(RefusalReason.BUSY, RefusalReason.NOT_ALLOWED, RefusalReason.UNKNOWN_KEY)) {
            link.inject(B0, A0, SacipEncoder.encode(new Refusal(reason, rekey.initiatorNonce()), B0, A0));
        }
        link.lose(p -> false);
        loop.advance(Duration.ofSeconds(40));
        assertNotEquals(atA.lineageWithPeer(B0).lineage(), atA.lineageWithPeer(B0).keyId(), "renewed nonetheless");
        // The REKEY of the old key, replayed, changes nothing.
        long repliesBefore = link.count(MessageKind.INIT_REPLY);
        link.inject(A0, B0, link.sent(MessageKind.REKEY).get(0).icmp());
        loop.runReady();
        assertEquals(repliesBefore, link.count(MessageKind.INIT_REPLY));
    }
}
