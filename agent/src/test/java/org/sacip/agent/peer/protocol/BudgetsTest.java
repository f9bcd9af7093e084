package org.sacip.agent.peer.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sacip.protocol.codec.SacipEncoder;
import org.sacip.protocol.message.Hello;
import org.sacip.protocol.message.Init;
import org.sacip.protocol.message.MessageKind;
import org.sacip.protocol.message.Octets;
import org.sacip.protocol.message.Refusal;
import org.sacip.protocol.message.RefusalReason;
import org.sacip.protocol.message.SacipAddress;

/** What remote hosts can make the engine hold or do: bounded tables, budgets, BUSY. */
class BudgetsTest extends TwoEngines {
    @TempDir
    Path stateOthers;

    @Override
    EngineLimits limits() {
        return EngineLimits.defaults().withKeys(3, 2).withRates(50, 200, 20);
    }

    /** Peers of B at 198.18.5.x (one IPv4 address is its own prefix). */
    private List<PeerProtocol> peers(int count) throws Exception {
        List<PeerProtocol> engines = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            PeerProtocol peer = open(new RecordingHandover(), stateOthers.resolve("p" + i));
            link.own(SacipAddress.parse("198.18.5." + (i + 10)), peer);
            engines.add(peer);
        }
        loop.runReady();
        return engines;
    }

    @Test
    void aFullKeyTableEvictsSessionlessKeysFirstAndNeverOnesThatHoldSessions() throws Exception {
        List<PeerProtocol> others = peers(4);
        // Three peers with a session each fill B's table (3 keys); the fourth is answered BUSY.
        for (int i = 0; i < 4; i++) {
            connect(others.get(i), SacipAddress.parse("198.18.5." + (i + 10)), b, B0, 22);
            loop.advance(Duration.ofMillis(50));
        }
        assertEquals(3, lineages(b).size());
        assertTrue(lineages(b).stream().allMatch(v -> v.boundSessions() == 1), "no key with sessions evicted");
        assertTrue(b.drops().count(DropReason.BUSY) >= 1);
        Refusal busy = (Refusal) link.sent(MessageKind.REFUSAL).get(0).decode();
        assertEquals(RefusalReason.BUSY, busy.reason());
        // One session ends: its key becomes the one to go when the fourth peer tries again.
        b.sessionsEnded(List.of(lineagesSession(others.get(0), "198.18.5.10").reversed()));
        loop.advance(KeyAgreement.RETRY_AFTER_BUSY.plusSeconds(1));
        connect(others.get(3), SacipAddress.parse("198.18.5.13"), b, B0, 23);
        loop.advance(Duration.ofSeconds(1));
        assertEquals(3, lineages(b).size());
        assertTrue(lineages(b).stream().noneMatch(v -> v.peerOriginal().equals(SacipAddress.parse("198.18.5.10"))),
                "the sessionless key was evicted");
    }

    private org.sacip.agent.session.SessionTuple lineagesSession(PeerProtocol peer, String address) {
        return tuple(SacipAddress.parse(address), 40000, B0, 22);
    }

    @Test
    void aPeerThatAnsweredOurSynIsProvenWhileOneThatOpenedToUsIsNot() throws Exception {
        // A opened a TCP connection to B: B's SYN-ACK acknowledged A's random ISN, so B receives at B0.
        connect(a, A0, b, B0, 22);
        loop.runReady();
        List<MemoryLink.Packet> hellos = link.sent(MessageKind.HELLO);
        assertTrue(!hellos.isEmpty(), "A started a handshake for its connection");
        assertTrue(hellos.stream().noneMatch(MemoryLink.Packet::unproven), "A's HELLO to B goes without the"
                + " anti-amplification budget: " + hellos);
        // B's answers to A, whose connection B only accepted, are still held to the budget until A echoes a nonce.
        List<MemoryLink.Packet> cookies = link.sent(MessageKind.COOKIE);
        assertTrue(!cookies.isEmpty() && cookies.get(0).unproven(), "B's first COOKIE to A is budgeted: " + cookies);
    }

    @Test
    void hellosAreAnsweredWithinAGlobalRateNeverChargedToTheClaimedSource() {
        // 200 HELLOs naming 200 spoofed sources: at most the HELLO budget is answered, and A still gets its key.
        for (int i = 0; i < 200; i++) {
            SacipAddress spoofed = SacipAddress.parse("198.18.9." + (i % 250));
            byte[] nonce = new byte[16];
            nonce[0] = (byte) i;
            link.inject(spoofed, B0, SacipEncoder.encode(new Hello(Octets.of(nonce)), spoofed, B0));
        }
        loop.runReady();
        assertEquals(50, link.count(MessageKind.COOKIE), "the global HELLO budget");
        loop.advance(Duration.ofSeconds(2));
        connect(a, A0, b, B0, 22);
        loop.advance(Duration.ofMillis(50));
        assertEquals(1, lineages(a).size(), "a genuine handshake goes through after the flood");
    }

    @Test
    void initsWithJunkCookiesCostOneMacEachAndChargeNobody() {
        for (int i = 0; i < 1000; i++) {
            SacipAddress spoofed = SacipAddress.parse("198.18.9." + (i % 250));
            byte[] nonce = new byte[16];
            nonce[0] = (byte) i;
            nonce[1] = (byte) (i >> 8);
            link.inject(spoofed, B0, SacipEncoder.encode(new Init(Octets.of(nonce), Octets.of(new byte[16]),
                    Octets.of(new byte[32])), spoofed, B0));
        }
        loop.runReady();
        assertEquals(1000, b.drops().count(DropReason.BAD_COOKIE));
        assertEquals(0, link.sent().size(), "no answer to a junk cookie, ever");
        connect(a, A0, b, B0, 22);
        loop.advance(Duration.ofMillis(50));
        assertEquals(1, lineages(a).size());
    }

    @Test
    void everyRemoteKeyedTableReportsItsBound() {
        b.publishViewNow();
        List<Bound> bounds = b.view().bounds();
        assertTrue(bounds.size() >= 10, bounds.toString());
        assertTrue(bounds.stream().allMatch(bound -> bound.size() <= bound.limit()), bounds.toString());
        assertTrue(bounds.stream().anyMatch(bound -> bound.name().equals("keys") && bound.limit() == 3));
    }
}
