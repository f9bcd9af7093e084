package org.sacip.lab.attack;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.sacip.lab.Lab;
import org.sacip.lab.agent.AgentControl;
import org.sacip.lab.agent.Agents;
import org.sacip.lab.agent.ProjectRoot;
import org.sacip.lab.topology.Family;
import org.sacip.lab.topology.TopologyBuilder;
import org.sacip.lab.topology.TopologyKind;
import org.sacip.protocol.message.FieldLengths;
import org.sacip.protocol.message.Hello;
import org.sacip.protocol.message.InitReply;
import org.sacip.protocol.message.Octets;

/**
 * A handshake that never completes must not leave a path unprobed for good. B connects to M, where a rogue sits:
 * when B's agent probes M (HELLO), the rogue answers with a handshake of its own from M whose nonce wins the
 * tie-break, so B gives up its own attempt and answers; the rogue never confirms. Once B's pending handshake has
 * expired (docs/PROTOCOL.md 6.3: 30 s), B's {@code peers} answer must no longer show M as "unknown" (handshake
 * running): the path is one B will probe again.
 */
class StalledHandshakeTest {
    /** How long a responder keeps an unconfirmed handshake (docs/PROTOCOL.md 6.3), plus time to act on it. */
    private static final long SETTLE_LIMIT_MS = 45_000;

    @Test
    void aHandshakeThatNeverCompletesDoesNotLeaveThePathUnknownForever() throws Exception {
        Family family = Family.IPV4;
        try (Lab lab = new Lab()) {
            TopologyBuilder.build(lab, TopologyKind.ATTACKERS, family);
            InetAddress b = Addresses.of(family, 10, 2);
            InetAddress m = Addresses.of(family, 1, 66);
            Agents agents = Agents.startIfPresent(lab, ProjectRoot.find(), List.of("b"));
            assertTrue(agents.running(), agents.note());
            AgentControl controlB = agents.control("b");
            RoguePeer rogue = RoguePeer.start(lab, "m");
            TcpSink.listen(lab, "m", new InetSocketAddress(m, 7200));
            TcpClients.connect(lab, "b", List.of(new InetSocketAddress(b, 0)), new InetSocketAddress(m, 7200),
                    10_000);
            rogue.awaitMessage(Hello.class, hello -> true, 15_000, "B's HELLO probing M");

            // The rogue's own handshake from M, with the highest nonce: B yields and answers; nobody confirms.
            byte[] highest = new byte[FieldLengths.NONCE];
            java.util.Arrays.fill(highest, (byte) 0xff);
            Octets nonce = Octets.of(highest);
            InitReply reply = rogue.beginHandshake(m, b, nonce);
            long answeredAt = System.currentTimeMillis();
            Waits.Outcome<Optional<JsonNode>> row = Waits.poll(SETTLE_LIMIT_MS, () -> peerRow(controlB, m),
                    seen -> seen.isPresent() && !"unknown".equals(seen.get().path("capability").asText()));
            System.out.printf("stalled handshake: B answered the rogue's INIT (responder nonce %s); %d ms later B's"
                    + " row for M: %s%n", reply.responderNonce(), System.currentTimeMillis() - answeredAt, row.last());
            assertTrue(row.met(), "B still shows M as \"unknown\" " + SETTLE_LIMIT_MS / 1000 + " s after a handshake"
                    + " with M was left unconfirmed: it will never probe M again. Row: " + row.last());
        }
    }

    private static Optional<JsonNode> peerRow(AgentControl control, InetAddress peer) {
        for (JsonNode row : control.request("peers")) {
            if (row.path("address").asText().equals(Addresses.text(peer))) {
                return Optional.of(row);
            }
        }
        return Optional.empty();
    }
}
