package org.sacip.agent.peer.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;
import org.sacip.agent.state.StateFileException;
import org.sacip.protocol.codec.SacipDecoder;
import org.sacip.protocol.codec.SacipEncoder;
import org.sacip.protocol.message.AddressUpdate;
import org.sacip.protocol.message.Init;
import org.sacip.protocol.message.MessageKind;
import org.sacip.protocol.message.Octets;
import org.sacip.protocol.message.SacipAddress;

/** Two real engines (real codec and crypto) over an in-memory link, on a virtual clock. */
class PeerProtocolTest extends TwoEngines {
    @Test
    void handshakeAgreesTheSameKeyOnBothSidesInFiveMessages() throws Exception {
        CompletableFuture<Void> key = a.ensureKey(A0, B0);
        loop.advance(Duration.ofMillis(10));
        assertTrue(key.isDone() && !key.isCompletedExceptionally());
        SessionView viewA = view(a, A0, B0);
        SessionView viewB = view(b, B0, A0);
        assertEquals(viewA.keyId(), viewB.keyId());
        for (MessageKind kind : List.of(MessageKind.HELLO, MessageKind.COOKIE, MessageKind.INIT,
                MessageKind.INIT_REPLY, MessageKind.INIT_CONFIRM)) {
            assertEquals(1, link.count(kind.code()), kind.toString());
        }
        assertEquals(List.of("key 198.18.0.1 198.18.0.2"), atA.events);
        assertEquals(List.of("key 198.18.0.2 198.18.0.1"), atB.events);
        // Asking again costs nothing on the wire.
        CompletableFuture<Void> again = a.ensureKey(A0, B0);
        loop.runReady();
        assertTrue(again.isDone() && !again.isCompletedExceptionally());
        loop.advance(Duration.ofSeconds(40));
        assertEquals(1, link.count(MessageKind.HELLO.code()));
        assertEquals(1, link.count(MessageKind.INIT_REPLY.code()), "confirmed reply is not retransmitted");
        assertEquals(0, a.drops().total() + b.drops().total());
    }

    @Test
    void simultaneousInitiationEndsWithOneSharedKey() throws Exception {
        CompletableFuture<Void> fromA = a.ensureKey(A0, B0);
        CompletableFuture<Void> fromB = b.ensureKey(B0, A0);
        loop.advance(Duration.ofSeconds(5));
        fromA.get();
        fromB.get();
        assertEquals(view(a, A0, B0).keyId(), view(b, B0, A0).keyId());
        assertEquals(1, a.drops().count(DropReason.LOST_TIE_BREAK) + b.drops().count(DropReason.LOST_TIE_BREAK));
        assertEquals(1, link.count(MessageKind.INIT_CONFIRM.code()));
    }

    @Test
    void moveIsChallengedThenReportedOnBothSides() throws Exception {
        handshake();
        a.announceMove(A0, A1, List.of(B0));
        loop.advance(Duration.ofMillis(10));
        assertEquals(List.of("peer 198.18.0.1 at 198.19.0.1"), atB.events.subList(1, atB.events.size()));
        assertEquals(List.of("confirmed 198.18.0.1 at 198.19.0.1 by 198.18.0.2 seq 1"),
                atA.events.subList(1, atA.events.size()));
        List<Integer> kinds = link.sent().stream().map(MemoryLink.Packet::kind).toList();
        assertEquals(List.of(7, 9, 10, 8), kinds.subList(5, kinds.size()));
        MemoryLink.Packet challenge = link.sent().get(6);
        assertEquals(B0, challenge.from());
        assertEquals(A1, challenge.to(), "the check goes to the new address");
        assertEquals(A1, view(b, B0, A0).peerCurrent());
        assertEquals(A1, view(a, A0, B0).localCurrent());
        loop.advance(Duration.ofMinutes(1));
        assertEquals(1, link.count(MessageKind.ADDRESS_UPDATE.code()), "no retransmission after the ack");
    }

    @Test
    void movesCheckedAndAcknowledgedTogetherReachTheDataPathInOneBatchEach() throws Exception {
        SacipAddress b1 = SacipAddress.parse("198.18.0.3");
        link.own(b1, b);
        handshake();
        CompletableFuture<Void> second = a.ensureKey(A0, b1);
        loop.advance(Duration.ofMillis(10));
        second.get();
        int before = link.sent().size();
        a.announceMove(A0, A1, List.of(B0, b1));
        loop.advance(Duration.ofMillis(10));
        assertEquals(List.of(2), atB.peerMoveBatches, "one data-path change for both of B's addresses");
        List<Integer> kinds = link.sent().subList(before, link.sent().size()).stream().map(MemoryLink.Packet::kind)
                .toList();
        assertEquals(List.of(7, 7, 9, 9, 10, 10, 8, 8), kinds, "both acks only after the batch");
        assertEquals(2, atA.events.stream().filter(e -> e.startsWith("confirmed")).count());
        assertEquals(List.of(2), atA.confirmationBatches, "and one outbound change for both acknowledgements");
    }

    @Test
    void lostAcknowledgementConvergesWithAReAckOfTheDuplicate() throws Exception {
        handshake();
        int[] acks = new int[1];
        link.lose(packet -> packet.kind() == MessageKind.UPDATE_ACK.code() && acks[0]++ == 0);
        a.announceMove(A0, A1, List.of(B0));
        loop.advance(Duration.ofMillis(10));
        assertFalse(atA.events.stream().anyMatch(e -> e.startsWith("confirmed")));
        loop.advance(Duration.ofSeconds(1));
        assertTrue(atA.events.contains("confirmed 198.18.0.1 at 198.19.0.1 by 198.18.0.2 seq 1"));
        assertEquals(2, link.count(MessageKind.ADDRESS_UPDATE.code()));
        assertEquals(2, link.count(MessageKind.UPDATE_ACK.code()));
        assertEquals(1, link.count(MessageKind.PATH_CHALLENGE.code()), "a duplicate after a passed check is only re-acked");
        assertEquals(1, atB.events.stream().filter(e -> e.startsWith("peer")).count());
    }

    @Test
    void replayedOlderUpdateIsDroppedAndChangesNothing() throws Exception {
        handshake();
        a.announceMove(A0, A1, List.of(B0));
        loop.advance(Duration.ofMillis(10));
        MemoryLink.Packet first = link.sent().stream().filter(p -> p.kind() == 7).findFirst().orElseThrow();
        a.announceMove(A0, A2, List.of(B0));
        loop.advance(Duration.ofMillis(10));
        assertEquals(A2, view(b, B0, A0).peerCurrent());
        assertTrue(atA.events.contains("confirmed 198.18.0.1 at 198.19.0.2 by 198.18.0.2 seq 2"));

        link.inject(first.from(), first.to(), first.icmp());
        loop.advance(Duration.ofSeconds(10));
        assertEquals(1, b.drops().count(DropReason.STALE_SEQUENCE));
        assertEquals(A2, view(b, B0, A0).peerCurrent());
        assertEquals(2, atB.events.stream().filter(e -> e.startsWith("peer")).count());
    }

    @Test
    void newerMoveSupersedesAnUnacknowledgedOne() throws Exception {
        handshake();
        link.lose(packet -> packet.to().equals(A1));
        a.announceMove(A0, A1, List.of(B0));
        loop.advance(Duration.ofMillis(600));
        link.lose(packet -> false);
        a.announceMove(A0, A2, List.of(B0));
        loop.advance(Duration.ofMinutes(2));
        assertEquals(List.of("confirmed 198.18.0.1 at 198.19.0.2 by 198.18.0.2 seq 2"),
                atA.events.subList(1, atA.events.size()), "the superseded move is neither confirmed nor reported");
        assertEquals(A2, view(b, B0, A0).peerCurrent());
    }

    @Test
    void forgedAndMutatedMessagesAreCountedByReasonAndChangeNothing() throws Exception {
        handshake();
        a.announceMove(A0, A1, List.of(B0));
        loop.advance(Duration.ofMillis(10));
        List<String> before = List.copyOf(atB.events);
        MemoryLink.Packet update = link.sent().stream().filter(p -> p.kind() == 7).findFirst().orElseThrow();
        AddressUpdate real = (AddressUpdate) SacipDecoder.decode(update.icmp(), update.from(), update.to());

        // Mallory names its own address with the session's key id and a guessed MAC.
        AddressUpdate forged = new AddressUpdate(real.keyId(), 1000, A0, MALLORY, Octets.zeros(16));
        link.inject(MALLORY, B0, SacipEncoder.encode(forged, MALLORY, B0));
        AddressUpdate unknownKey = new AddressUpdate(Octets.zeros(8), 1000, A0, MALLORY, real.mac());
        link.inject(MALLORY, B0, SacipEncoder.encode(unknownKey, MALLORY, B0));
        // The real update, replayed from another address.
        link.inject(MALLORY, B0, SacipEncoder.encode(real, MALLORY, B0));
        // One bit flipped on the wire: the checksum no longer matches.
        byte[] flipped = update.icmp();
        flipped[40] ^= 1;
        link.inject(update.from(), update.to(), flipped);
        // A response nobody asked for, and a cookie nobody waits for.
        MemoryLink.Packet response = link.sent().stream().filter(p -> p.kind() == 10).findFirst().orElseThrow();
        link.inject(response.from(), response.to(), response.icmp());
        MemoryLink.Packet cookie = link.sent().stream().filter(p -> p.kind() == 2).findFirst().orElseThrow();
        link.inject(cookie.from(), cookie.to(), cookie.icmp());
        // An INIT with a cookie that was never minted.
        Init init = new Init(Octets.zeros(16), Octets.zeros(16), Octets.fromHex(
                "8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a"));
        link.inject(MALLORY, B0, SacipEncoder.encode(init, MALLORY, B0));
        loop.advance(Duration.ofSeconds(30));

        assertEquals(1, b.drops().count(DropReason.BAD_MAC));
        assertEquals(1, b.drops().count(DropReason.UNKNOWN_KEY));
        assertEquals(1, b.drops().count(DropReason.WRONG_ADDRESS));
        assertEquals(1, b.drops().count(DropReason.MALFORMED));
        assertEquals(1, b.drops().count(DropReason.UNSOLICITED));
        assertEquals(1, a.drops().count(DropReason.UNSOLICITED));
        assertEquals(1, b.drops().count(DropReason.BAD_COOKIE));
        assertEquals(before, atB.events);
        assertEquals(A1, view(b, B0, A0).peerCurrent());
        // The forger only ever gets the hint that its key id is unknown, smaller than the update it sent.
        List<MemoryLink.Packet> toForger = link.sent().stream().filter(p -> p.to().equals(MALLORY)).toList();
        assertEquals(1, toForger.size(), "only one REFUSAL goes to the forger");
        assertEquals(MessageKind.REFUSAL.code(), toForger.get(0).kind());
        assertTrue(toForger.get(0).icmp().length < update.icmp().length);
    }

    @Test
    void restartFromTheStateDirectoryContinuesAboveEveryUsedSequenceNumber() throws Exception {
        handshake();
        a.announceMove(A0, A1, List.of(B0));
        loop.advance(Duration.ofMillis(10));
        Path file = stateA.resolve(StateStore.FILE_NAME);
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        a.close();
        loop.advance(Duration.ofMillis(10));

        RecordingProtocolListener atRestarted = new RecordingProtocolListener();
        PeerProtocol restarted = PeerProtocol.open(loop, link.endpoint(), atRestarted, stateA, new SecureRandom());
        link.own(A0, restarted);
        link.own(A1, restarted);
        link.own(A2, restarted);
        SessionView view = view(restarted, A0, B0);
        assertEquals(A1, view.localCurrent());
        restarted.announceMove(A0, A2, List.of(B0));
        loop.advance(Duration.ofMillis(10));
        long expected = 1 + PeerProtocol.SEQUENCE_RESERVATION + 1;
        assertEquals(List.of("confirmed 198.18.0.1 at 198.19.0.2 by 198.18.0.2 seq " + expected), atRestarted.events);
        assertEquals(A2, view(b, B0, A0).peerCurrent());
        assertEquals(0, b.drops().total());
    }

    @Test
    void corruptStateFileIsAClearTypedError() throws Exception {
        Path file = stateA.resolve(StateStore.FILE_NAME);
        Files.writeString(file, "format=sacip-peer-state-1\nsessions=1\nsession.0.keyId=zz\n", StandardCharsets.UTF_8);
        StateFileException error = assertThrows(StateFileException.class,
                () -> PeerProtocol.open(loop, link.endpoint(), atA, stateA, new SecureRandom()));
        assertTrue(error.getMessage().startsWith(file.toString()), error.getMessage());
        assertTrue(error.getMessage().contains("session 0 is invalid"), error.getMessage());

        Files.write(file, new byte[] {0, 1, 2, (byte) 0xff});
        StateFileException garbage = assertThrows(StateFileException.class,
                () -> PeerProtocol.open(loop, link.endpoint(), atA, stateA, new SecureRandom()));
        assertTrue(garbage.getMessage().contains("not a SACIP peer state file")
                || garbage.getMessage().contains("cannot read state"), garbage.getMessage());
    }

    @Test
    void silentPeerFailsTheHandshakeAndTheMoveAfterTheirRetransmissions() throws Exception {
        handshake();
        link.disown(B0);
        SacipAddress silent = SacipAddress.parse("198.18.0.99");
        CompletableFuture<Void> key = a.ensureKey(A0, silent);
        loop.advance(RetransmitPolicy.HANDSHAKE.worstCaseTotal());
        ExecutionException failure = assertThrows(ExecutionException.class, key::get);
        assertInstanceOf(KeyAgreementException.class, failure.getCause());
        assertEquals(5, link.sent().stream().filter(p -> p.kind() == 1 && p.to().equals(silent)).count());
        CompletableFuture<Void> tooSoon = a.ensureKey(A0, silent);
        loop.runReady();
        assertTrue(tooSoon.isCompletedExceptionally(), "no retry within 60 s of a failure");

        a.announceMove(A0, A1, List.of(B0, silent));
        loop.advance(RetransmitPolicy.ADDRESS_UPDATE.worstCaseTotal());
        assertTrue(atA.events.contains("not confirmed 198.18.0.1 at 198.19.0.1 by 198.18.0.99"), "no key");
        assertTrue(atA.events.contains("not confirmed 198.18.0.1 at 198.19.0.1 by 198.18.0.2"), "no answer");
        assertEquals(8, link.count(MessageKind.ADDRESS_UPDATE.code()));
    }

    @Test
    void lostConfirmationIsRepeatedWhenTheResponderRepeatsItsReply() throws Exception {
        int[] confirms = new int[1];
        link.lose(packet -> packet.kind() == MessageKind.INIT_CONFIRM.code() && confirms[0]++ == 0);
        CompletableFuture<Void> key = a.ensureKey(A0, B0);
        loop.advance(Duration.ofMillis(10));
        key.get();
        assertEquals(List.of(), atB.events, "B installs nothing without a confirmation");
        loop.advance(Duration.ofSeconds(2));
        assertEquals(List.of("key 198.18.0.2 198.18.0.1"), atB.events);
        assertEquals(view(a, A0, B0).keyId(), view(b, B0, A0).keyId());
        assertEquals(2, link.count(MessageKind.INIT_REPLY.code()));
        assertEquals(2, link.count(MessageKind.INIT_CONFIRM.code()));
        assertEquals(1, link.count(MessageKind.HELLO.code()));
    }

    @Test
    void lostChallengesAbandonTheCheckAndALaterDuplicateStartsANewOne() throws Exception {
        handshake();
        boolean[] challengesLost = {true};
        link.lose(packet -> packet.kind() == MessageKind.PATH_CHALLENGE.code() && challengesLost[0]);
        a.announceMove(A0, A1, List.of(B0));
        loop.advance(Duration.ofSeconds(13));
        assertEquals(1, atB.events.size(), "no redirection before the check passes: " + atB.events);
        assertEquals(A0, view(b, B0, A0).peerCurrent());
        long lost = link.count(MessageKind.PATH_CHALLENGE.code());
        assertTrue(lost >= RetransmitPolicy.PATH_CHALLENGE.transmissions(), "challenges sent: " + lost);
        challengesLost[0] = false;
        loop.advance(Duration.ofSeconds(20));
        assertEquals(List.of("key 198.18.0.2 198.18.0.1", "peer 198.18.0.1 at 198.19.0.1"), atB.events);
        assertTrue(atA.events.contains("confirmed 198.18.0.1 at 198.19.0.1 by 198.18.0.2 seq 1"), atA.events.toString());
    }

    @Test
    void anUnacknowledgedUpdateGoesAtOnceToThePeersNewAddress() throws Exception {
        handshake();
        SacipAddress b1 = SacipAddress.parse("198.19.0.2");
        link.own(b1, b);
        // B breaks before it makes: B0 no longer receives, so A's first update is lost.
        link.disown(B0);
        b.announceMove(B0, b1, List.of(A0));
        a.announceMove(A0, A1, List.of(B0));
        loop.advance(Duration.ofMillis(10));
        assertTrue(atB.events.contains("confirmed 198.18.0.2 at 198.19.0.2 by 198.18.0.1 seq 1"), atB.events.toString());
        assertTrue(atA.events.contains("confirmed 198.18.0.1 at 198.19.0.1 by 198.18.0.2 seq 1"),
                "resent to B's new address without waiting for a retransmission: " + atA.events);
        assertEquals(b1, view(a, A0, B0).peerCurrent());
        assertEquals(A1, view(b, B0, A0).peerCurrent());
        assertEquals(b1, view(b, B0, A0).localCurrent());
    }

    @Test
    void aCheckRunningFromOurOldAddressRestartsFromTheNewOneWhenOurMoveIsConfirmed() throws Exception {
        handshake();
        SacipAddress b1 = SacipAddress.parse("198.19.0.2");
        link.own(b1, b);
        int[] updatesFromB = new int[1];
        // Answers to B's old address are lost, and so is B's first update.
        link.lose(packet -> packet.to().equals(B0) && packet.kind() == MessageKind.PATH_RESPONSE.code()
                || packet.from().equals(b1) && packet.kind() == MessageKind.ADDRESS_UPDATE.code()
                        && updatesFromB[0]++ == 0);
        a.announceMove(A0, A1, List.of(B0));
        b.announceMove(B0, b1, List.of(A0));
        loop.advance(Duration.ofSeconds(1));
        assertTrue(atB.events.contains("confirmed 198.18.0.2 at 198.19.0.2 by 198.18.0.1 seq 1"), atB.events.toString());
        assertTrue(atA.events.contains("confirmed 198.18.0.1 at 198.19.0.1 by 198.18.0.2 seq 1"),
                "B re-checked from its new address at once: " + atA.events);
        assertEquals(A1, view(b, B0, A0).peerCurrent());
    }

    @Test
    void ipv6SessionsAgreeKeysAndMoveTheSameWay() throws Exception {
        SacipAddress a6 = SacipAddress.parse("2001:db8::1");
        SacipAddress b6 = SacipAddress.parse("2001:db8::2");
        SacipAddress a6moved = SacipAddress.parse("2001:db8:1::1");
        link.own(a6, a);
        link.own(a6moved, a);
        link.own(b6, b);
        CompletableFuture<Void> key = a.ensureKey(a6, b6);
        loop.advance(Duration.ofMillis(10));
        key.get();
        a.announceMove(a6, a6moved, List.of(b6));
        loop.advance(Duration.ofMillis(10));
        assertTrue(atA.events.contains("confirmed 2001:db8:0:0:0:0:0:1 at 2001:db8:1:0:0:0:0:1 by 2001:db8:0:0:0:0:0:2 seq 1"),
                atA.events.toString());
        assertEquals(a6moved, view(b, b6, a6).peerCurrent());
        assertThrows(IllegalArgumentException.class, () -> a.announceMove(a6, A1, List.of(b6)));
        assertThrows(IllegalArgumentException.class, () -> a.announceMove(A0, A1, List.of(b6)));
        assertEquals(0, a.drops().total() + b.drops().total());
    }

    @Test
    void aFloodBeyondTheQueueIsDroppedUnreadAndCounted() throws Exception {
        handshake();
        byte[] junk = new byte[] {(byte) 253, 0, 0, 0};
        int extra = 7;
        for (int i = 0; i < PeerProtocol.MAX_QUEUED_MESSAGES + extra; i++) {
            b.receive(MALLORY, B0, junk);
        }
        assertEquals(extra, b.drops().count(DropReason.OVERLOAD));
        loop.runReady();
        assertEquals(PeerProtocol.MAX_QUEUED_MESSAGES, b.drops().count(DropReason.MALFORMED));
        // The queue drained: the engine takes messages again.
        b.receive(MALLORY, B0, junk);
        loop.runReady();
        assertEquals(extra, b.drops().count(DropReason.OVERLOAD));
        assertEquals(PeerProtocol.MAX_QUEUED_MESSAGES + 1, b.drops().count(DropReason.MALFORMED));
    }

    @Test
    void unconfirmedPendingHandshakeIsForgottenAfterThirtySeconds() throws Exception {
        link.lose(packet -> packet.kind() == MessageKind.INIT_CONFIRM.code());
        a.ensureKey(A0, B0);
        loop.advance(Duration.ofSeconds(31));
        assertEquals(RetransmitPolicy.INIT_REPLY.transmissions(), link.count(MessageKind.INIT_REPLY.code()));
        MemoryLink.Packet confirm = link.sent().stream().filter(p -> p.kind() == 5).findFirst().orElseThrow();
        link.inject(confirm.from(), confirm.to(), confirm.icmp());
        loop.runReady();
        assertEquals(1, b.drops().count(DropReason.UNSOLICITED), "the late confirmation finds no pending handshake");
        assertEquals(List.of(), atB.events);
        CompletableFuture<Optional<SessionView>> none = b.session(B0, A0);
        loop.runReady();
        assertTrue(none.get().isEmpty());
    }

    @Test
    void dropLogIsRateLimitedPerReasonButEveryDropIsCounted() {
        DropCounters counters = new DropCounters();
        Instant t = Instant.parse("2026-01-01T00:00:00Z");
        assertTrue(counters.drop(DropReason.BAD_MAC, "first", t));
        assertFalse(counters.drop(DropReason.BAD_MAC, "second", t.plusMillis(999)));
        assertTrue(counters.drop(DropReason.UNKNOWN_KEY, "other reason", t.plusMillis(999)));
        assertTrue(counters.drop(DropReason.BAD_MAC, "a second later", t.plusMillis(1000)));
        assertEquals(3, counters.count(DropReason.BAD_MAC));
        assertEquals(4, counters.total());
    }

    private void handshake() throws Exception {
        CompletableFuture<Void> key = a.ensureKey(A0, B0);
        loop.advance(Duration.ofMillis(10));
        key.get();
    }

    private SessionView view(PeerProtocol engine, SacipAddress local, SacipAddress peer) throws Exception {
        CompletableFuture<java.util.Optional<SessionView>> view = engine.session(local, peer);
        loop.runReady();
        return view.get().orElseThrow();
    }
}
