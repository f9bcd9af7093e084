package org.sacip.agent.peer.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sacip.protocol.codec.SacipEncoder;
import org.sacip.protocol.message.AddressUpdate;
import org.sacip.protocol.message.Hello;
import org.sacip.protocol.message.MessageKind;
import org.sacip.protocol.message.Octets;
import org.sacip.protocol.message.Refusal;
import org.sacip.protocol.message.RefusalReason;
import org.sacip.protocol.message.SacipAddress;

/** REFUSAL (PROTOCOL.md sections 9 and 10): sent only where allowed, and taken as a hint only. */
class RefusalTest extends TwoEngines {
    private static final SacipAddress MALLORY2 = SacipAddress.parse("198.18.0.67");

    @TempDir
    Path stateBLost;

    @Test
    void unknownKeysAndStaleUpdatesAreRefusedWithTheirEcho() throws Exception {
        handshake();
        a.announceMove(A0, A1, List.of(B0));
        loop.advance(Duration.ofMillis(10));
        a.announceMove(A0, A2, List.of(B0));
        loop.advance(Duration.ofMillis(10));
        MemoryLink.Packet first = packets(MessageKind.ADDRESS_UPDATE).get(0);
        AddressUpdate real = (AddressUpdate) first.decode();

        link.inject(first.from(), first.to(), first.icmp());
        AddressUpdate unknown = new AddressUpdate(Octets.fromHex("0102030405060708"), 1000, A0, MALLORY,
                Octets.zeros(16));
        link.inject(MALLORY, B0, SacipEncoder.encode(unknown, MALLORY, B0));
        loop.runReady();

        List<MemoryLink.Packet> refusals = packets(MessageKind.REFUSAL);
        assertEquals(2, refusals.size());
        Refusal stale = (Refusal) refusals.get(0).decode();
        assertEquals(B0, refusals.get(0).from());
        assertEquals(A1, refusals.get(0).to(), "to where the refused update came from");
        assertEquals(RefusalReason.STALE_SEQUENCE, stale.reason());
        assertEquals(RefusalRules.keyAndSequence(real.keyId(), 1), stale.echo());
        Refusal unknownKey = (Refusal) refusals.get(1).decode();
        assertEquals(MALLORY, refusals.get(1).to());
        assertEquals(RefusalReason.UNKNOWN_KEY, unknownKey.reason());
        assertEquals(RefusalRules.keyAndSequence(unknown.keyId(), 1000), unknownKey.echo());
        assertEquals(RefusalRules.REFUSAL_OCTETS, refusals.get(1).icmp().length);
        assertEquals(0, a.drops().total(), "a STALE_SEQUENCE hint is only logged");
        assertEquals(A2, view(b, B0, A0).peerCurrent());
    }

    @Test
    void malformedAndShortMessagesAndOtherDropsGetNoRefusal() throws Exception {
        handshake();
        a.announceMove(A0, A1, List.of(B0));
        loop.advance(Duration.ofMillis(10));
        MemoryLink.Packet update = packets(MessageKind.ADDRESS_UPDATE).get(0);
        AddressUpdate real = (AddressUpdate) update.decode();
        AddressUpdate unknown = new AddressUpdate(Octets.fromHex("0102030405060708"), 5, A0, MALLORY,
                Octets.zeros(16));
        byte[] unknownOctets = SacipEncoder.encode(unknown, MALLORY, B0);

        link.inject(MALLORY, B0, Arrays.copyOf(unknownOctets, RefusalRules.REFUSAL_OCTETS - 1));
        link.inject(MALLORY, B0, Arrays.copyOf(unknownOctets, unknownOctets.length - 1));
        byte[] flipped = unknownOctets.clone();
        flipped[30] ^= 1;
        link.inject(MALLORY, B0, flipped);
        AddressUpdate badMac = new AddressUpdate(real.keyId(), 1000, A0, MALLORY, Octets.zeros(16));
        link.inject(MALLORY, B0, SacipEncoder.encode(badMac, MALLORY, B0));
        link.inject(MALLORY, B0, SacipEncoder.encode(new Hello(Octets.zeros(16)), MALLORY, B0).clone());
        loop.runReady();

        assertEquals(3, b.drops().count(DropReason.MALFORMED));
        assertEquals(1, b.drops().count(DropReason.BAD_MAC));
        assertEquals(0, link.count(MessageKind.REFUSAL.code()), "no reply to a malformed or forged message");
        assertEquals(0, RefusalRules.refusalFor(unknown, org.sacip.protocol.SacipProtocolException.Reason.UNKNOWN_KEY,
                RefusalRules.REFUSAL_OCTETS - 1, id -> false).stream().count(), "never to a shorter message");
    }

    @Test
    void refusalsAreLimitedToTenASecondPerAddress() throws Exception {
        handshake();
        for (int i = 1; i <= 30; i++) {
            injectUnknownKeyUpdate(MALLORY, i);
        }
        injectUnknownKeyUpdate(MALLORY2, 1);
        loop.runReady();
        assertEquals(31, b.drops().count(DropReason.UNKNOWN_KEY), "every one is dropped and counted");
        assertEquals(10, refusalsTo(MALLORY));
        assertEquals(1, refusalsTo(MALLORY2), "each address has its own budget");

        loop.advance(Duration.ofSeconds(1));
        for (int i = 31; i <= 60; i++) {
            injectUnknownKeyUpdate(MALLORY, i);
        }
        loop.runReady();
        assertEquals(20, refusalsTo(MALLORY));
    }

    @Test
    void receivedRefusalsChangeNoSessionAndNoKey() throws Exception {
        handshake();
        a.announceMove(A0, A1, List.of(B0));
        loop.advance(Duration.ofMillis(10));
        loop.advance(Duration.ofMinutes(2));
        SessionView beforeA = view(a, A0, B0);
        SessionView beforeB = view(b, B0, A0);
        List<String> eventsA = List.copyOf(atA.events);
        long hellos = link.count(MessageKind.HELLO.code());
        Octets ours = RefusalRules.keyAndSequence(beforeA.keyId(), 1);

        for (RefusalReason reason : RefusalReason.values()) {
            // From a stranger, naming our key; and from the peer itself.
            link.inject(MALLORY, A1, SacipEncoder.encode(new Refusal(reason, ours), MALLORY, A1));
            link.inject(MALLORY, A0, SacipEncoder.encode(new Refusal(reason, ours), MALLORY, A0));
            link.inject(B0, A1, SacipEncoder.encode(new Refusal(reason, ours), B0, A1));
            link.inject(B0, A0, SacipEncoder.encode(new Refusal(reason, Octets.zeros(16)), B0, A0));
        }
        loop.advance(Duration.ofSeconds(30));

        assertEquals(beforeA, view(a, A0, B0));
        assertEquals(beforeB, view(b, B0, A0));
        assertEquals(eventsA, atA.events);
        assertEquals(hellos, link.count(MessageKind.HELLO.code()),
                "no new handshake: our original address is not our current one any more");
        a.announceMove(A0, A2, List.of(B0));
        loop.advance(Duration.ofMillis(10));
        assertTrue(atA.events.contains("confirmed 198.18.0.1 at 198.19.0.2 by 198.18.0.2 seq 2"),
                "the key still works: " + atA.events);
    }

    @Test
    void unknownKeyRightAfterTheHandshakeRepeatsTheConfirmation() throws Exception {
        handshake();
        SessionView before = view(a, A0, B0);
        Refusal refusal = new Refusal(RefusalReason.UNKNOWN_KEY, RefusalRules.keyAndSequence(before.keyId(), 0));
        link.inject(B0, A0, SacipEncoder.encode(refusal, B0, A0));
        loop.runReady();
        List<MemoryLink.Packet> confirms = packets(MessageKind.INIT_CONFIRM);
        assertEquals(2, confirms.size());
        assertTrue(Arrays.equals(confirms.get(0).icmp(), confirms.get(1).icmp()), "the same confirmation again");
        assertEquals(1, link.count(MessageKind.HELLO.code()));
        assertEquals(before, view(a, A0, B0));
    }

    @Test
    void unknownKeyLaterStartsANewHandshakeFromTheOriginalAddressKeepingTheOldKeyMeanwhile() throws Exception {
        handshake();
        Octets oldKey = view(a, A0, B0).keyId();
        loop.advance(Duration.ofMinutes(2));
        // B restarts without its state.
        b.close();
        loop.runReady();
        RecordingProtocolListener atLost = new RecordingProtocolListener();
        PeerProtocol lost = PeerProtocol.open(loop, link.endpoint(), atLost, stateBLost, new SecureRandom());
        link.own(B0, lost);
        link.lose(p -> p.kind() == MessageKind.COOKIE.code());

        a.announceMove(A0, A1, List.of(B0));
        loop.runReady();
        assertEquals(1, lost.drops().count(DropReason.UNKNOWN_KEY));
        MemoryLink.Packet refusal = packets(MessageKind.REFUSAL).get(0);
        assertEquals(A1, refusal.to());
        MemoryLink.Packet hello = packets(MessageKind.HELLO).get(1);
        assertEquals(A0, hello.from(), "the new handshake runs from the original address");
        assertEquals(B0, hello.to());
        assertEquals(oldKey, view(a, A0, B0).keyId(), "the old key stays until the new one is agreed");

        link.lose(p -> false);
        loop.advance(Duration.ofSeconds(5));
        Octets newKey = view(a, A0, B0).keyId();
        assertEquals(newKey, view(lost, B0, A0).keyId());
        assertTrue(atA.events.contains("confirmed 198.18.0.1 at 198.19.0.1 by 198.18.0.2 seq 2"),
                "the waiting move is announced again under the new key: " + atA.events);
        assertEquals(A1, view(lost, B0, A0).peerCurrent());
    }

    @Test
    void busyAndNotAllowedDelayTheNextAttempt() throws Exception {
        link.lose(p -> p.kind() == MessageKind.COOKIE.code());
        CompletableFuture<Void> key = a.ensureKey(A0, B0);
        loop.runReady();
        Hello hello = (Hello) packets(MessageKind.HELLO).get(0).decode();
        link.inject(B0, A0, SacipEncoder.encode(new Refusal(RefusalReason.BUSY, hello.initiatorNonce()), B0, A0));
        loop.runReady();
        ExecutionException busy = assertThrows(ExecutionException.class, key::get);
        assertInstanceOf(KeyAgreementException.class, busy.getCause());
        assertTrue(busy.getCause().getMessage().contains("BUSY"), busy.getCause().getMessage());
        loop.advance(Duration.ofSeconds(30));
        assertEquals(1, link.count(MessageKind.HELLO.code()), "the refused handshake is not retransmitted");
        CompletableFuture<Void> tooSoon = a.ensureKey(A0, B0);
        loop.runReady();
        assertTrue(tooSoon.isCompletedExceptionally(), "not within 60 s of BUSY");

        loop.advance(Duration.ofSeconds(31));
        CompletableFuture<Void> again = a.ensureKey(A0, B0);
        loop.runReady();
        hello = (Hello) packets(MessageKind.HELLO).get(1).decode();
        link.inject(B0, A0, SacipEncoder.encode(new Refusal(RefusalReason.NOT_ALLOWED, hello.initiatorNonce()), B0,
                A0));
        loop.runReady();
        assertTrue(again.isCompletedExceptionally());
        loop.advance(Duration.ofMinutes(9));
        CompletableFuture<Void> stillTooSoon = a.ensureKey(A0, B0);
        loop.runReady();
        assertTrue(stillTooSoon.isCompletedExceptionally(), "not within 10 min of NOT_ALLOWED");

        link.lose(p -> false);
        loop.advance(Duration.ofMinutes(1).plusSeconds(1));
        CompletableFuture<Void> later = a.ensureKey(A0, B0);
        loop.advance(Duration.ofMillis(10));
        later.get();
        assertEquals(view(a, A0, B0).keyId(), view(b, B0, A0).keyId());
    }

    private void injectUnknownKeyUpdate(SacipAddress from, long sequence) {
        AddressUpdate unknown = new AddressUpdate(Octets.fromHex("0102030405060708"), sequence, A0, from,
                Octets.zeros(16));
        link.inject(from, B0, SacipEncoder.encode(unknown, from, B0));
    }

    private long refusalsTo(SacipAddress to) {
        return packets(MessageKind.REFUSAL).stream().filter(p -> p.to().equals(to)).count();
    }

    private List<MemoryLink.Packet> packets(MessageKind kind) {
        return link.sent().stream().filter(p -> p.kind() == kind.code()).toList();
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
