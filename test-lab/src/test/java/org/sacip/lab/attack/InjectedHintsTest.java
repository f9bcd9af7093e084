package org.sacip.lab.attack;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.sacip.lab.Lab;
import org.sacip.lab.agent.Agents;
import org.sacip.lab.agent.ProjectRoot;
import org.sacip.lab.topology.Family;
import org.sacip.lab.topology.TopologyBuilder;
import org.sacip.lab.topology.TopologyKind;
import org.sacip.protocol.codec.SacipEncoder;
import org.sacip.protocol.handshake.AddressPair;
import org.sacip.protocol.handshake.HandshakeInitiator;
import org.sacip.protocol.message.Hello;
import org.sacip.protocol.message.InitReply;
import org.sacip.protocol.message.Octets;
import org.sacip.protocol.message.RefusalReason;
import org.sacip.protocol.message.SacipAddress;

/**
 * Unauthenticated hints injected by someone who sees the traffic, and a recorded renewal replayed.
 */
class InjectedHintsTest {
    private static final long KEY_LIMIT_MS = 20_000;
    /** How long a responder keeps an unconfirmed handshake or renewal (docs/PROTOCOL.md 6.3). */
    private static final long PENDING_LIFETIME_MS = 30_000;
    private static final long REPLAY_ANSWER_WAIT_MS = 3_000;

    /**
     * A's LAN is a shared medium (the bridge floods every frame, as Wi-Fi does) and M listens on it. For every
     * HELLO it sees, of A to B or of B to A, M at once injects a COOKIE echoing its nonce with a made-up cookie and a
     * REFUSAL NOT_ALLOWED echoing it, both from the HELLO's destination. A connects to B: both agents must still
     * agree a key.
     */
    @Test
    void aForgedCookieOrRefusalDoesNotEndAKeyAgreement() throws Exception {
        Family family = Family.IPV4;
        try (Lab lab = new Lab()) {
            TopologyBuilder.build(lab, TopologyKind.ATTACKERS, family);
            InetAddress x = Addresses.of(family, 1, 2);
            InetAddress b = Addresses.of(family, 10, 2);
            InetAddress m = Addresses.of(family, 1, 66);
            lab.run("r", "ip", "link", "set", "dev", "lan1", "type", "bridge", "ageing_time", "0");
            lab.run("m", "ip", "link", "set", "eth0", "promisc", "on");
            Agents agents = Agents.startIfPresent(lab, ProjectRoot.find(), List.of("a", "b"));
            assertTrue(agents.running(), agents.note());

            Forgeries forge = new Forgeries();
            AtomicInteger hintsInjected = new AtomicInteger();
            PacketTap eavesdropper = PacketTap.start(lab, "m", "icmp and icmp[0] == 253");
            try (RawIpSocket fromM = RawIpSocket.open(lab.ns("m"), false)) {
                eavesdropper.onPacket(packet -> SacipPacket.of(packet)
                        .filter(seen -> !packet.source().equals(m))
                        .flatMap(SacipPacket::decoded)
                        .filter(Hello.class::isInstance).map(Hello.class::cast)
                        .ifPresent(hello -> {
                            Octets nonce = hello.initiatorNonce();
                            fromM.send(Forgeries.packet(forge.junkCookie(nonce), packet.destination(), packet.source()));
                            fromM.send(Forgeries.packet(Forgeries.refusal(RefusalReason.NOT_ALLOWED, nonce),
                                    packet.destination(), packet.source()));
                            hintsInjected.addAndGet(2);
                        }));
                TcpSink.listen(lab, "b", new InetSocketAddress(b, 5001));
                TcpClients.connect(lab, "a", List.of(new InetSocketAddress(x, 0)), new InetSocketAddress(b, 5001),
                        10_000);
                Waits.Outcome<List<List<String>>> keys = Waits.poll(KEY_LIMIT_MS,
                        () -> List.of(PeerKeys.keyIds(agents.control("a"), Addresses.text(b)),
                                PeerKeys.keyIds(agents.control("b"), Addresses.text(x))),
                        both -> !both.get(0).isEmpty() && !both.get(1).isEmpty());
                eavesdropper.stop();
                System.out.printf("injected hints: %d forged COOKIEs and REFUSALs; keys (A's, B's) %s after %d ms%n",
                        hintsInjected.get(), keys.last(), keys.afterMs());
                assertTrue(hintsInjected.get() > 0, "precondition: M saw no HELLO on the shared LAN");
                assertAll(
                        () -> assertTrue(!keys.last().get(0).isEmpty(), "A agreed no key with B within "
                                + KEY_LIMIT_MS + " ms once forged COOKIEs and REFUSALs answered its HELLOs"),
                        () -> assertTrue(!keys.last().get(1).isEmpty(), "B agreed no key with A within "
                                + KEY_LIMIT_MS + " ms"));
            }
        }
    }

    /**
     * M (a rogue with a real key agreed with B, and a connection to B) sends a REKEY under that key and never
     * confirms B's answer; once B has let that pending renewal go, M replays the very same REKEY. B must not start
     * over: no INIT_REPLY with a new responder nonce answers the replay.
     */
    @Test
    void aRecordedRekeyReplayedLaterHasNoEffect() throws Exception {
        Family family = Family.IPV4;
        try (Lab lab = new Lab()) {
            TopologyBuilder.build(lab, TopologyKind.ATTACKERS, family);
            InetAddress b = Addresses.of(family, 10, 2);
            InetAddress m = Addresses.of(family, 1, 66);
            Agents agents = Agents.startIfPresent(lab, ProjectRoot.find(), List.of("b"));
            assertTrue(agents.running(), agents.note());
            RoguePeer rogue = RoguePeer.start(lab, "m");
            RogueKey key = rogue.handshake(m, b);
            TcpSink.listen(lab, "b", new InetSocketAddress(b, 5001));
            TcpClients.connect(lab, "m", List.of(new InetSocketAddress(m, 0)), new InetSocketAddress(b, 5001),
                    10_000);
            // ---- Claim of the rogue's connection ----
            // Its place is here, once the codec carries CLAIM: the rogue claims its connection under its key.

            HandshakeInitiator renewal = HandshakeInitiator.renewal(key.keys(), key.role(),
                    new AddressPair(SacipAddress.of(m), SacipAddress.of(b)), new SecureRandom());
            byte[] rekey = SacipEncoder.encode(renewal.rekey(), SacipAddress.of(m), SacipAddress.of(b));
            long sentAt = System.currentTimeMillis();
            rogue.sendIcmp(rekey, m, b);
            InitReply answer = rogue.awaitMessage(InitReply.class,
                    reply -> reply.initiatorNonce().equals(renewal.nonce()), 5_000, "INIT_REPLY to the REKEY");

            // Past the responder's pending lifetime, the recorded REKEY again.
            Waits.pause(Math.max(0, sentAt + PENDING_LIFETIME_MS + 2_000 - System.currentTimeMillis()));
            rogue.sendIcmp(rekey, m, b);
            Waits.Outcome<Set<Octets>> nonces = Waits.poll(REPLAY_ANSWER_WAIT_MS, () -> rogue.received().stream()
                    .flatMap(p -> p.decoded().stream())
                    .filter(message -> message instanceof InitReply reply
                            && reply.initiatorNonce().equals(renewal.nonce()))
                    .map(message -> ((InitReply) message).responderNonce()).collect(Collectors.toSet()),
                    seen -> seen.size() > 1);
            System.out.printf("replayed REKEY: responder nonces answering it %s (first %s)%n", nonces.last(),
                    answer.responderNonce());
            assertEquals(Set.of(answer.responderNonce()), nonces.last(), "B answered the replayed REKEY with a new"
                    + " handshake (responder nonces " + nonces.last() + ")");
        }
    }
}
