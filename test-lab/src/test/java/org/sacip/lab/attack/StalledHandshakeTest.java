package org.sacip.lab.attack;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.sacip.lab.Lab;
import org.sacip.lab.LabException;
import org.sacip.lab.agent.Agents;
import org.sacip.lab.agent.ProjectRoot;
import org.sacip.lab.topology.Family;
import org.sacip.lab.topology.TopologyBuilder;
import org.sacip.lab.topology.TopologyKind;
import org.sacip.protocol.message.FieldLengths;
import org.sacip.protocol.message.InitReply;
import org.sacip.protocol.message.MessageKind;
import org.sacip.protocol.message.Octets;

/**
 * A handshake that never completes must not leave a path unprobed for good. B connects to M, where a rogue sits
 * that never answers B's probes: when B's agent sends its first HELLO, the rogue starts a handshake of its own from
 * M whose nonce wins any tie-break (docs/PROTOCOL.md 6.5), gets B's INIT_REPLY, and never confirms. B must go on
 * probing M: another HELLO from B reaches M within 45 s (its own retransmissions, or a new attempt once the
 * unconfirmed handshake's 30 s are over).
 */
class StalledHandshakeTest {
    private static final long PROBE_AGAIN_LIMIT_MS = 45_000;

    @Test
    void aHandshakeThatNeverCompletesDoesNotLeaveThePathUnprobed() throws Exception {
        Family family = Family.IPV4;
        try (Lab lab = new Lab()) {
            TopologyBuilder.build(lab, TopologyKind.ATTACKERS, family);
            InetAddress b = Addresses.of(family, 10, 2);
            InetAddress m = Addresses.of(family, 1, 66);
            Agents agents = Agents.startIfPresent(lab, ProjectRoot.find(), List.of("b"));
            assertTrue(agents.running(), agents.note());
            RoguePeer rogue = RoguePeer.start(lab, "m");
            TcpSink.listen(lab, "m", new InetSocketAddress(m, 7200));
            TcpClients.connect(lab, "b", List.of(new InetSocketAddress(b, 0)), new InetSocketAddress(m, 7200),
                    10_000);
            rogue.tap().await(p -> isHelloFrom(p, b), 15_000, "B's first HELLO probing M");

            byte[] highest = new byte[FieldLengths.NONCE];
            java.util.Arrays.fill(highest, (byte) 0xff);
            InitReply reply = rogue.beginHandshake(m, b, Octets.of(highest));
            long answeredAtMicros = System.currentTimeMillis() * 1000;
            Optional<CapturedPacket> probedAgain;
            try {
                probedAgain = Optional.of(rogue.tap().await(p -> p.micros() > answeredAtMicros && isHelloFrom(p, b),
                        PROBE_AGAIN_LIMIT_MS, "a HELLO from B after its answer to the rogue's INIT"));
            } catch (LabException none) {
                probedAgain = Optional.empty();
            }
            long hellos = rogue.received().stream().filter(p -> p.packet().source().equals(b)
                    && p.is(MessageKind.HELLO)).count();
            System.out.printf("stalled handshake: B answered the rogue's INIT (responder nonce %s); B probed M again:"
                    + " %s; HELLOs from B in all: %d%n", reply.responderNonce(), probedAgain.map(p -> "after "
                    + (p.micros() - answeredAtMicros) / 1000 + " ms").orElse("no"), hellos);
            assertTrue(probedAgain.isPresent(), "B sent M no HELLO in the " + PROBE_AGAIN_LIMIT_MS / 1000 + " s after"
                    + " answering a handshake from M that was never confirmed: B no longer probes M");
        }
    }

    private static boolean isHelloFrom(CapturedPacket packet, InetAddress source) {
        return packet.direction() == CapturedPacket.Direction.INBOUND && packet.source().equals(source)
                && SacipPacket.of(packet).filter(h -> h.is(MessageKind.HELLO)).isPresent();
    }
}
