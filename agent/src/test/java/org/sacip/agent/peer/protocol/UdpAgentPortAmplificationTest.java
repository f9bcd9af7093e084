package org.sacip.agent.peer.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sacip.agent.peer.transport.NamespaceLab;
import org.sacip.agent.peer.transport.Transports;
import org.sacip.netlink.testing.LinkedNamespaces;
import org.sacip.netlink.udp.ReceivedDatagram;
import org.sacip.netlink.udp.UdpSocket;
import org.sacip.protocol.codec.UdpEnvelope;
import org.sacip.protocol.message.Hello;
import org.sacip.protocol.message.MessageKind;
import org.sacip.protocol.message.Octets;
import org.sacip.protocol.message.UdpEndpoint;

/**
 * The agent port draws no amplification (issue 13, PROTOCOL.md 13.10): an engine wired as the agent wires it, its
 * agent port open, gets a burst of HELLOs over UDP (each answered with a COOKIE of the same size, at most) and of
 * malformed datagrams (never answered) from a host on its link; what comes back is counted in octets.
 */
class UdpAgentPortAmplificationTest {
    private static final int AGENT_PORT = 4253;
    private static final int HELLOS = 200;
    private static final int BATCH = 20;

    @TempDir
    Path state;

    private final NamespaceLab lab = new NamespaceLab();

    @AfterEach
    void cleanUp() throws Exception {
        lab.close();
    }

    @Test
    void helloAndJunkOverUdpDrawNoMoreOctetsThanTheySent() throws Exception {
        LinkedNamespaces link = lab.add(LinkedNamespaces.create("ua"));
        PeerProtocol engine = AgentPortEngine.start(lab, link.b, state, AGENT_PORT);
        // B knows A's link-layer address, as it would after any exchange: answers are sent only over known hops.
        link.a.exec("ping", "-c", "1", "-W", "2", LinkedNamespaces.B4);

        UdpSocket attacker = lab.add(UdpSocket.open(link.a.netNamespace(), 4, 0, 0));
        UdpEndpoint a = UdpEndpoint.of(LinkedNamespaces.A4, attacker.localPort());
        UdpEndpoint b = UdpEndpoint.of(LinkedNamespaces.B4, AGENT_PORT);
        UdpEnvelope envelope = new UdpEnvelope(a, b);
        SecureRandom random = new SecureRandom();
        long sent = 0;
        // In batches, each read by B before the next: a datagram burst larger than the socket's receive buffer
        // would lose some in the kernel, which says nothing about what the agent answers.
        for (int batch = 0; batch < HELLOS / BATCH; batch++) {
            for (int i = 0; i < BATCH; i++) {
                byte[] nonce = new byte[16];
                random.nextBytes(nonce);
                byte[] hello = envelope.encode(new Hello(Octets.of(nonce)));
                attacker.send(hello, b.address().toInetAddress(), AGENT_PORT, null);
                byte[] junk = new byte[1 + random.nextInt(1200)];
                random.nextBytes(junk);
                attacker.send(junk, b.address().toInetAddress(), AGENT_PORT, null);
                sent += hello.length + junk.length;
            }
            int expected = (batch + 1) * BATCH;
            Transports.await(() -> engine.messages().received(MessageKind.HELLO) == expected
                    && engine.drops().count(DropReason.MALFORMED) == expected, "B read batch " + batch,
                    () -> engine.messages().received(MessageKind.HELLO) + " HELLOs, "
                            + engine.drops().count(DropReason.MALFORMED) + " malformed");
        }
        long received = 0;
        int cookies = 0;
        Optional<ReceivedDatagram> answer;
        while ((answer = attacker.receive(Duration.ofMillis(500))).isPresent()) {
            received += answer.get().length();
            cookies++;
        }
        assertTrue(cookies > 0, "B answered HELLOs");
        assertTrue(cookies <= HELLOS, cookies + " answers to " + HELLOS + " HELLOs");
        assertTrue(received <= 92L * HELLOS, "each answer no larger than its HELLO: " + received + " octets");
        assertTrue(received < sent, received + " octets back for " + sent + " sent");
        assertEquals(HELLOS, engine.drops().count(DropReason.MALFORMED), "every junk datagram dropped unanswered");
    }
}
