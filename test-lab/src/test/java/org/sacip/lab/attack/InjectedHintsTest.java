package org.sacip.lab.attack;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.sacip.lab.Lab;
import org.sacip.lab.agent.Agents;
import org.sacip.lab.agent.ProjectRoot;
import org.sacip.lab.topology.Family;
import org.sacip.lab.topology.TopologyBuilder;
import org.sacip.lab.topology.TopologyKind;
import org.sacip.protocol.codec.Envelope;
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
    private static final long PROBE_WAIT_MS = 5_000;
    private static final int PORT = 5001;

    /**
     * A's LAN is a shared medium (M receives every frame on it, as on Wi-Fi) and M listens. For every
     * HELLO it sees, of A to B or of B to A, M at once injects a COOKIE echoing its nonce with a made-up cookie and a
     * REFUSAL NOT_ALLOWED echoing it, both from the HELLO's destination. So that the forgeries arrive before the
     * genuine answers, as they would across a real path, each agent is paused while the other one probes it (see
     * {@link PausedAgent}). A connects to B: both agents must still agree a key.
     *
     * <pre>
     *   B's agent paused; A connects to B; A's agent sends HELLO; M answers it with a COOKIE and a REFUSAL
     *   A's agent paused, B's resumed; if B's agent probes A too, M answers that HELLO the same way
     *   A's agent resumed: within 20 s both hold a key
     * </pre>
     */
    @Test
    void aForgedCookieOrRefusalDoesNotEndAKeyAgreement() throws Exception {
        Family family = Family.IPV4;
        try (Lab lab = new Lab()) {
            TopologyBuilder.build(lab, TopologyKind.ATTACKERS, family);
            InetAddress x = Addresses.of(family, 1, 2);
            InetAddress b = Addresses.of(family, 10, 2);
            InetAddress m = Addresses.of(family, 1, 66);
            sharedMedium(lab);
            Agents agents = Agents.startIfPresent(lab, ProjectRoot.find(), List.of("a", "b"));
            assertTrue(agents.running(), agents.note());

            Forgeries forge = new Forgeries();
            Map<InetAddress, AtomicInteger> hellosAnswered = new ConcurrentHashMap<>();
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
                            hellosAnswered.computeIfAbsent(packet.source(), s -> new AtomicInteger()).incrementAndGet();
                        }));
                TcpSink.listen(lab, "b", new InetSocketAddress(b, PORT));
                PausedAgent pausedB = PausedAgent.pause(lab, agents, "b");
                TcpClients.connect(lab, "a", List.of(new InetSocketAddress(x, 0)), new InetSocketAddress(b, PORT),
                        10_000);
                Waits.until("M answers a HELLO of A's", 15_000, () -> count(hellosAnswered, x), n -> n > 0);
                PausedAgent pausedA = PausedAgent.pause(lab, agents, "a");
                pausedB.resume();
                // An agent that probes from the server's side too does it within a few seconds.
                Waits.poll(PROBE_WAIT_MS, () -> count(hellosAnswered, b), n -> n > 0);
                pausedA.resume();
                Waits.Outcome<List<List<String>>> keys = Waits.poll(KEY_LIMIT_MS,
                        () -> List.of(PeerKeys.lineages(agents.control("a"), Addresses.text(b)),
                                PeerKeys.lineages(agents.control("b"), Addresses.text(x))),
                        both -> !both.get(0).isEmpty() && !both.get(1).isEmpty());
                eavesdropper.stop();
                System.out.printf("injected hints: HELLOs answered with a forged COOKIE and REFUSAL, by sender %s;"
                        + " keys (A's, B's) %s after %d ms%n", hellosAnswered, keys.last(), keys.afterMs());
                assertAll(
                        () -> assertTrue(!keys.last().get(0).isEmpty(), "A agreed no key with B within "
                                + KEY_LIMIT_MS + " ms once forged COOKIEs and REFUSALs answered its HELLOs"),
                        () -> assertTrue(!keys.last().get(1).isEmpty(), "B agreed no key with A within "
                                + KEY_LIMIT_MS + " ms"));
            }
        }
    }

    /**
     * Makes A's LAN a shared medium for M: the bridge learns no addresses, so it floods what R sends to A, and
     * every frame A sends is copied to M's port (nft dup at the ingress of A's port); M's interface takes it all.
     */
    private static void sharedMedium(Lab lab) {
        lab.run("r", "ip", "link", "set", "dev", "lan1", "type", "bridge", "ageing_time", "0");
        lab.run("r", "nft", "add table netdev hub; "
                + "add chain netdev hub froma { type filter hook ingress device \"ra1\" priority 0; }; "
                + "add rule netdev hub froma dup to \"rm\"");
        lab.run("m", "ip", "link", "set", "eth0", "promisc", "on");
    }

    private static int count(Map<InetAddress, AtomicInteger> counts, InetAddress key) {
        AtomicInteger count = counts.get(key);
        return count == null ? 0 : count.get();
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
            TcpSink.listen(lab, "b", new InetSocketAddress(b, PORT));
            TcpClients.connect(lab, "m", List.of(new InetSocketAddress(m, 0)), new InetSocketAddress(b, PORT),
                    10_000);
            // ---- Claim of the rogue's connection ----
            // Its place is here, once the codec carries CLAIM: the rogue claims its connection under its key.

            HandshakeInitiator renewal = HandshakeInitiator.renewal(key.keys(), key.role(),
                    new AddressPair(SacipAddress.of(m), SacipAddress.of(b)), new SecureRandom());
            Envelope rekeyEnvelope = new Envelope.Icmp(SacipAddress.of(m), SacipAddress.of(b));
            byte[] rekey = rekeyEnvelope.encode(renewal.rekey(rekeyEnvelope));
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
