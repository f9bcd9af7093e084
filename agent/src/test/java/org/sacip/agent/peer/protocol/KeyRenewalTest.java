package org.sacip.agent.peer.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.sacip.protocol.codec.SacipEncoder;
import org.sacip.protocol.message.AddressUpdate;
import org.sacip.protocol.message.MessageKind;
import org.sacip.protocol.message.Octets;
import org.sacip.protocol.message.Refusal;
import org.sacip.protocol.message.RefusalReason;
import org.sacip.protocol.message.Rekey;
import org.sacip.protocol.message.SacipAddress;

/** Key lifetime and renewal (PROTOCOL.md 6.6, section 8): two real engines, in memory, on a virtual clock. */
class KeyRenewalTest extends TwoEngines {
    private static final SacipAddress B1 = SacipAddress.parse("198.19.0.12");

    @BeforeEach
    void withAKey() throws Exception {
        link.own(B1, b);
        CompletableFuture<Void> key = a.ensureKey(A0, B0);
        loop.advance(Duration.ofMillis(10));
        key.get();
    }

    @Test
    void theInitiatorRenewsAtTwentyThreeHoursAndNumbersContinueUnderTheNewKey() throws Exception {
        Octets oldKey = view(a, A0, B0).keyId();
        a.announceMove(A0, A1, List.of(B0));
        loop.advance(Duration.ofMillis(10));
        a.announceMove(A0, A0, List.of(B0));
        loop.advance(Duration.ofMillis(10));
        assertEquals(2, view(b, B0, A0).lastSequenceReceived());

        advanceTo(T0.plus(Duration.ofHours(23)).minusSeconds(1));
        assertEquals(0, link.count(MessageKind.REKEY.code()), "no renewal before 23 h");
        advanceTo(T0.plus(Duration.ofHours(23)).plus(Duration.ofMinutes(10)).plusSeconds(1));

        assertEquals(1, link.count(MessageKind.REKEY.code()));
        MemoryLink.Packet rekey = packets(MessageKind.REKEY).get(0);
        assertEquals(A0, rekey.from());
        assertEquals(B0, rekey.to());
        assertEquals(oldKey, ((Rekey) rekey.decode()).keyId(), "REKEY names the old key");
        SessionView viewA = view(a, A0, B0);
        SessionView viewB = view(b, B0, A0);
        assertNotEquals(oldKey, viewA.keyId());
        assertEquals(viewA.keyId(), viewB.keyId());
        assertEquals(0, viewB.lastSequenceReceived(), "the peer's accepted numbers start afresh for the new key");
        assertEquals(List.of("key 198.18.0.2 198.18.0.1", "peer 198.18.0.1 at 198.19.0.1",
                "peer 198.18.0.1 at 198.18.0.1", "key 198.18.0.2 198.18.0.1"), atB.events);

        a.announceMove(A0, A2, List.of(B0));
        loop.advance(Duration.ofMillis(10));
        AddressUpdate next = (AddressUpdate) packets(MessageKind.ADDRESS_UPDATE).get(2).decode();
        assertEquals(viewA.keyId(), next.keyId(), "the next move uses the new key");
        assertEquals(3, next.sequence(), "our numbers continue across the renewal");
        assertTrue(atA.events.contains("confirmed 198.18.0.1 at 198.19.0.2 by 198.18.0.2 seq 3"), atA.events.toString());
        assertEquals(A2, view(b, B0, A0).peerCurrent());
        assertEquals(0, a.drops().total() + b.drops().total());
        String file = Files.readString(stateA.resolve(StateStore.FILE_NAME), StandardCharsets.UTF_8);
        assertTrue(file.contains("keyId=" + viewA.keyId().toHex()), "the new key is persisted");
    }

    @Test
    void theOldKeyVerifiesForTwoMinutesAfterTheRenewalThenIsUnknown() throws Exception {
        a.announceMove(A0, A1, List.of(B0));
        loop.advance(Duration.ofMillis(10));
        MemoryLink.Packet oldChallenge = packets(MessageKind.PATH_CHALLENGE).get(0);
        Octets oldKey = view(a, A0, B0).keyId();

        advanceTo(T0.plus(Duration.ofHours(23)).minusSeconds(1));
        advanceUntil(() -> !keyOf(b, B0, A0).equals(oldKey), Duration.ofMinutes(11));
        Instant renewed = loop.now();

        loop.advance(Duration.ofSeconds(100));
        link.inject(oldChallenge.from(), oldChallenge.to(), oldChallenge.icmp());
        loop.runReady();
        assertEquals(2, link.count(MessageKind.PATH_RESPONSE.code()), "answered under the old key within 120 s");
        assertEquals(0, a.drops().total());

        advanceTo(renewed.plus(Duration.ofSeconds(121)));
        link.inject(oldChallenge.from(), oldChallenge.to(), oldChallenge.icmp());
        loop.runReady();
        assertEquals(2, link.count(MessageKind.PATH_RESPONSE.code()));
        assertEquals(1, a.drops().count(DropReason.UNKNOWN_KEY), "the old key is erased after its grace period");
    }

    @Test
    void theResponderRenewsAtTwentyThreeAndAHalfHoursWhenTheInitiatorDoesNot() throws Exception {
        Octets oldKey = view(a, A0, B0).keyId();
        link.lose(p -> p.kind() == MessageKind.REKEY.code() && p.from().equals(A0));
        advanceTo(T0.plus(Duration.ofHours(23)).plus(Duration.ofMinutes(30)).minusSeconds(1));
        assertTrue(link.count(MessageKind.REKEY.code()) > 0, "the initiator tried");
        assertEquals(oldKey, view(b, B0, A0).keyId());
        assertFalse(packets(MessageKind.REKEY).stream().anyMatch(p -> p.from().equals(B0)), "not before 23 h 30");

        advanceTo(T0.plus(Duration.ofHours(23)).plus(Duration.ofMinutes(59)));
        assertTrue(packets(MessageKind.REKEY).stream().anyMatch(p -> p.from().equals(B0)));
        Octets renewed = view(b, B0, A0).keyId();
        assertNotEquals(oldKey, renewed);
        assertEquals(renewed, view(a, A0, B0).keyId());
        advanceTo(T0.plus(Duration.ofHours(24)).plus(Duration.ofMinutes(1)));
        assertEquals(renewed, view(a, A0, B0).keyId(), "the renewed key outlives the old one's 24 hours");
    }

    @Test
    void aKeyWithoutRenewalIsErasedAtTwentyFourHours() throws Exception {
        link.lose(p -> p.kind() == MessageKind.REKEY.code());
        a.announceMove(A0, A1, List.of(B0));
        loop.advance(Duration.ofMillis(10));
        advanceTo(T0.plus(Duration.ofHours(24)).minusSeconds(1));
        assertTrue(session(a, A0, B0).isPresent());
        loop.advance(Duration.ofSeconds(2));

        assertTrue(session(a, A0, B0).isEmpty());
        assertTrue(session(b, B0, A0).isEmpty());
        assertTrue(atA.events.contains("expired 198.18.0.1 198.18.0.2"));
        assertTrue(atB.events.contains("expired 198.18.0.2 198.18.0.1"));
        assertEquals(List.of("key 198.18.0.2 198.18.0.1", "peer 198.18.0.1 at 198.19.0.1",
                "expired 198.18.0.2 198.18.0.1"), atB.events, "nothing undoes the peer's rewriting");
        long updates = link.count(MessageKind.ADDRESS_UPDATE.code());
        a.announceMove(A0, A2, List.of(B0));
        loop.runReady();
        assertEquals("not confirmed 198.18.0.1 at 198.19.0.2 by 198.18.0.2", atA.events.get(atA.events.size() - 1));
        assertEquals(updates, link.count(MessageKind.ADDRESS_UPDATE.code()), "no key, nothing sent");

        a.close();
        loop.runReady();
        PeerProtocol restarted = PeerProtocol.open(loop, link.endpoint(), atA, stateA, new SecureRandom());
        assertTrue(session(restarted, A0, B0).isEmpty(), "the erased key is gone from disk too");
    }

    @Test
    void aRenewalAfterMovesRunsOverTheCurrentAddressesAndKeepsTheOriginalBinding() throws Exception {
        a.announceMove(A0, A1, List.of(B0));
        b.announceMove(B0, B1, List.of(A0));
        loop.advance(Duration.ofMillis(10));
        assertEquals(B1, view(a, A0, B0).peerCurrent());
        assertEquals(A1, view(b, B0, A0).peerCurrent());
        Octets oldKey = view(a, A0, B0).keyId();
        // Crossing moves cost a drop or two (an answer to an address just left); the renewal costs none.
        long dropsBefore = a.drops().total() + b.drops().total();

        advanceTo(T0.plus(Duration.ofHours(23)).plus(Duration.ofMinutes(10)).plusSeconds(1));
        MemoryLink.Packet rekey = packets(MessageKind.REKEY).get(0);
        assertEquals(A1, rekey.from());
        assertEquals(B1, rekey.to());
        MemoryLink.Packet reply = packets(MessageKind.INIT_REPLY).get(1);
        assertEquals(B1, reply.from());
        assertEquals(A1, reply.to());
        SessionView viewA = view(a, A0, B0);
        assertNotEquals(oldKey, viewA.keyId());
        assertEquals(viewA.keyId(), view(b, B0, A0).keyId());
        assertEquals(A0, viewA.localOriginal(), "the new key is bound to the original addresses");
        assertEquals(A1, viewA.localCurrent());
        assertEquals(A1, view(b, B0, A0).peerCurrent(), "the rewriting goes on across the renewal");

        a.announceMove(A0, A2, List.of(B0));
        loop.advance(Duration.ofMillis(10));
        assertTrue(atA.events.contains("confirmed 198.18.0.1 at 198.19.0.2 by 198.18.0.2 seq 2"), atA.events.toString());
        assertEquals(A2, view(b, B0, A0).peerCurrent());
        assertEquals(dropsBefore, a.drops().total() + b.drops().total());
    }

    @Test
    void simultaneousRenewalsEndWithOneSharedKey() throws Exception {
        Octets oldKey = view(a, A0, B0).keyId();
        // A is down from 22 h to 23 h 30, so its renewal (due since 23 h 10 at the latest) starts when it comes
        // back, at the very moment B's starts; both REKEYs cross on the wire.
        advanceTo(T0.plus(Duration.ofHours(22)));
        a.close();
        loop.runReady();
        link.hold(p -> p.kind() == MessageKind.REKEY.code());
        advanceTo(T0.plus(Duration.ofHours(23)).plus(Duration.ofMinutes(30)));
        PeerProtocol restarted = PeerProtocol.open(loop, link.endpoint(), atA, stateA, new SecureRandom());
        ownA(restarted);
        loop.advance(Duration.ZERO);
        List<MemoryLink.Packet> rekeys = packets(MessageKind.REKEY);
        assertEquals(2, rekeys.size(), "one REKEY from each side");
        assertNotEquals(rekeys.get(0).from(), rekeys.get(1).from());

        link.release();
        loop.advance(Duration.ofSeconds(40));
        Octets atRestarted = view(restarted, A0, B0).keyId();
        assertNotEquals(oldKey, atRestarted);
        assertEquals(atRestarted, view(b, B0, A0).keyId());
        assertEquals(1, restarted.drops().count(DropReason.LOST_TIE_BREAK) + b.drops().count(DropReason.LOST_TIE_BREAK),
                "the REKEY with the smaller nonce is ignored");
        assertEquals(2, link.count(MessageKind.INIT_CONFIRM.code()), "one renewal completed");
        assertEquals(2, link.count(MessageKind.REKEY.code()), "the winner was answered at once, no retransmission");
    }

    @Test
    void replayedAndForgedRekeysAreDroppedAndChangeNothing() throws Exception {
        Octets oldKey = view(b, B0, A0).keyId();
        link.lose(p -> p.kind() == MessageKind.REKEY.code());
        advanceTo(T0.plus(Duration.ofHours(23)).minusSeconds(1));
        advanceUntil(() -> link.count(MessageKind.REKEY.code()) > 0, Duration.ofMinutes(11));
        MemoryLink.Packet captured = packets(MessageKind.REKEY).get(0);
        Rekey real = (Rekey) captured.decode();
        // The first attempt fails unanswered; the next comes only 60 s after that.
        loop.advance(RetransmitPolicy.HANDSHAKE.worstCaseTotal().plusSeconds(1));
        link.lose(p -> false);
        List<String> before = List.copyOf(atB.events);

        link.inject(captured.from(), captured.to(), captured.icmp());
        loop.advance(PeerProtocol.PENDING_HANDSHAKE_LIFETIME.plusSeconds(1));
        assertEquals(RetransmitPolicy.INIT_REPLY.transmissions(), link.count(MessageKind.INIT_REPLY.code()) - 1,
                "the replay gets a pending handshake, answered until it is dropped");
        assertEquals(RetransmitPolicy.INIT_REPLY.transmissions(), a.drops().count(DropReason.UNSOLICITED),
                "nobody can complete it");
        assertEquals(oldKey, view(b, B0, A0).keyId());
        assertEquals(before, atB.events);

        Rekey badMac = new Rekey(real.keyId(), real.initiatorNonce(), real.initiatorShare(), Octets.zeros(16));
        link.inject(A0, B0, SacipEncoder.encode(badMac, A0, B0));
        Rekey unknownKey = new Rekey(Octets.fromHex("0102030405060708"), real.initiatorNonce(),
                real.initiatorShare(), real.mac());
        link.inject(MALLORY, B0, SacipEncoder.encode(unknownKey, MALLORY, B0));
        loop.runReady();
        assertEquals(1, b.drops().count(DropReason.BAD_MAC));
        assertEquals(1, b.drops().count(DropReason.UNKNOWN_KEY));
        List<MemoryLink.Packet> toMallory = link.sent().stream().filter(p -> p.to().equals(MALLORY)).toList();
        assertEquals(1, toMallory.size());
        Refusal refusal = (Refusal) toMallory.get(0).decode();
        assertEquals(RefusalReason.UNKNOWN_KEY, refusal.reason());
        assertEquals(real.initiatorNonce(), refusal.echo(), "a refused REKEY is echoed by its nonce");
        assertEquals(oldKey, view(b, B0, A0).keyId());
        assertEquals(before, atB.events);

        // The real retry still renews; afterwards the old REKEY names a renewed, then an erased key.
        loop.advance(Duration.ofMinutes(1));
        Octets renewed = view(b, B0, A0).keyId();
        assertNotEquals(oldKey, renewed);
        assertEquals(renewed, view(a, A0, B0).keyId());
        link.inject(captured.from(), captured.to(), captured.icmp());
        loop.runReady();
        assertEquals(1, b.drops().count(DropReason.UNSOLICITED));
        loop.advance(Duration.ofSeconds(120));
        link.inject(captured.from(), captured.to(), captured.icmp());
        loop.runReady();
        assertEquals(2, b.drops().count(DropReason.UNKNOWN_KEY));
        assertEquals(renewed, view(b, B0, A0).keyId());
        assertEquals(renewed, view(a, A0, B0).keyId());
    }

    @Test
    void theEstablishmentTimeSurvivesARestartAndDrivesTheTimers() throws Exception {
        Path file = stateA.resolve(StateStore.FILE_NAME);
        assertTrue(Files.readString(file, StandardCharsets.UTF_8).contains("session.0.established="
                + T0.toEpochMilli()), "persisted as epoch milliseconds");
        Octets oldKey = view(a, A0, B0).keyId();
        advanceTo(T0.plus(Duration.ofHours(20)));
        a.close();
        loop.runReady();
        PeerProtocol restarted = PeerProtocol.open(loop, link.endpoint(), atA, stateA, new SecureRandom());
        ownA(restarted);

        advanceTo(T0.plus(Duration.ofHours(23)).minusSeconds(1));
        assertEquals(0, link.count(MessageKind.REKEY.code()));
        advanceTo(T0.plus(Duration.ofHours(23)).plus(Duration.ofMinutes(10)).plusSeconds(1));
        assertEquals(1, link.count(MessageKind.REKEY.code()), "renewed 23 h after the handshake, not the restart");
        assertEquals(A0, packets(MessageKind.REKEY).get(0).from());
        Octets renewed = view(restarted, A0, B0).keyId();
        assertNotEquals(oldKey, renewed);
        assertEquals(renewed, view(b, B0, A0).keyId());
    }

    @Test
    void aStateFileWithoutEstablishmentTimeLoadsAsEstablishedNow() throws Exception {
        advanceTo(T0.plus(Duration.ofHours(12)));
        a.close();
        loop.runReady();
        Path file = stateA.resolve(StateStore.FILE_NAME);
        String older = Files.readAllLines(file, StandardCharsets.UTF_8).stream()
                .filter(line -> !line.startsWith("session.0.established=")).collect(Collectors.joining("\n"));
        Files.writeString(file, older + "\n", StandardCharsets.UTF_8);
        PeerProtocol restarted = PeerProtocol.open(loop, link.endpoint(), atA, stateA, new SecureRandom());
        ownA(restarted);

        advanceTo(T0.plus(Duration.ofHours(23)).plus(Duration.ofMinutes(29)));
        assertEquals(0, link.count(MessageKind.REKEY.code()), "A counts its key's age from the load at 12 h");
        advanceTo(T0.plus(Duration.ofHours(23)).plus(Duration.ofMinutes(31)));
        assertEquals(B0, packets(MessageKind.REKEY).get(0).from(), "so B, the responder, renews at 23 h 30");
        assertEquals(view(b, B0, A0).keyId(), view(restarted, A0, B0).keyId());
        assertTrue(Files.readString(file, StandardCharsets.UTF_8).contains("session.0.established="));
    }

    private void ownA(PeerProtocol engine) {
        link.own(A0, engine);
        link.own(A1, engine);
        link.own(A2, engine);
    }

    private List<MemoryLink.Packet> packets(MessageKind kind) {
        return link.sent().stream().filter(p -> p.kind() == kind.code()).toList();
    }

    private void advanceTo(Instant when) {
        loop.advance(Duration.between(loop.now(), when));
    }

    /** Lets time pass a second at a time until {@code condition} holds; fails after {@code limit}. */
    private void advanceUntil(BooleanSupplier condition, Duration limit) {
        Instant end = loop.now().plus(limit);
        while (!condition.getAsBoolean()) {
            assertTrue(loop.now().isBefore(end), "condition not reached within " + limit);
            loop.advance(Duration.ofSeconds(1));
        }
    }

    private Octets keyOf(PeerProtocol engine, SacipAddress local, SacipAddress peer) {
        try {
            return view(engine, local, peer).keyId();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private Optional<SessionView> session(PeerProtocol engine, SacipAddress local, SacipAddress peer)
            throws Exception {
        CompletableFuture<Optional<SessionView>> view = engine.session(local, peer);
        loop.runReady();
        return view.get();
    }

    private SessionView view(PeerProtocol engine, SacipAddress local, SacipAddress peer) throws Exception {
        return session(engine, local, peer).orElseThrow();
    }
}
