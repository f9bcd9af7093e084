package org.sacip.lab.attack;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.sacip.lab.Lab;
import org.sacip.lab.agent.Agents;
import org.sacip.lab.agent.ProjectRoot;
import org.sacip.lab.topology.Family;
import org.sacip.lab.topology.TopologyBuilder;
import org.sacip.lab.topology.TopologyKind;
import org.sacip.protocol.codec.UdpEncoder;
import org.sacip.protocol.codec.UdpEnvelope;
import org.sacip.protocol.message.MessageKind;
import org.sacip.protocol.message.SacipAddress;
import org.sacip.protocol.message.UdpEndpoint;

/**
 * A keyed peer aims B's reachability checks at a victim. E (a rogue with a real key agreed with B from its own
 * address, and a connection to B) sends one ADDRESS_UPDATE saying its session now lives at V (an address on E's link
 * nobody holds; E's link has no ingress filter, so the update leaves E with V as its source). B checks V with
 * PATH_CHALLENGEs, which nobody answers. Over the whole time B could retransmit them, the SACIP octets B sends to V
 * stay within the octets of the update that named V.
 *
 * <p>Over UDP (docs/PROTOCOL.md 13.5 and 13.10) the same with endpoints: E's rogue agrees its key with B's agent port
 * from a UDP socket of its own, then sends an ADDRESS_UPDATE stating V:40000 as its new place, from V:40000. A
 * message that verifies but comes from an endpoint other than the lineage's path draws only challenges there, never
 * more octets than came from there.
 */
class ChallengeAmplificationTest {
    /** Longer than the whole retransmission of a check (docs/PROTOCOL.md section 8: 6 transmissions, 7.75 s). */
    private static final long CHECK_SPAN_MS = 10_000;
    private static final int AGENT_PORT = 4253;
    private static final int VICTIM_PORT = 40_000;

    @Test
    void anUpdateNamingAVictimDrawsNoMoreChallengeOctetsThanItHad() throws Exception {
        Family family = Family.IPV4;
        try (Lab lab = new Lab()) {
            TopologyBuilder.build(lab, TopologyKind.ATTACKERS, family);
            InetAddress b = Addresses.of(family, 10, 2);
            InetAddress e = Addresses.of(family, 20, 2);
            InetAddress victim = Addresses.of(family, 20, 77);
            Agents agents = Agents.startIfPresent(lab, ProjectRoot.find(), List.of("b"));
            assertTrue(agents.running(), agents.note());
            RoguePeer rogue = RoguePeer.start(lab, "e");
            RogueKey key = rogue.handshake(e, b);
            TcpSink.listen(lab, "b", new InetSocketAddress(b, 5006));
            TcpClients.connect(lab, "e", List.of(new InetSocketAddress(e, 0)), new InetSocketAddress(b, 5006),
                    10_000);
            // ---- Claim of the rogue's connection ----
            // Its place is here, once the codec carries CLAIM: the rogue claims its connection under its key.

            PacketTap atB = PacketTap.start(lab, "b", "icmp");
            rogue.sendUpdate(key, 1, victim, b);
            CapturedPacket first = atB.await(p -> p.direction() == CapturedPacket.Direction.OUTBOUND
                    && p.destination().equals(victim) && SacipPacket.of(p)
                    .filter(c -> c.is(MessageKind.PATH_CHALLENGE)).isPresent(), 5_000,
                    "PATH_CHALLENGE from B to V (the update was valid)");
            assertNoMoreThanCameIn(atB, first, b, victim, "challenge amplification");
        }
    }

    @Test
    void overUdpAnUpdateFromAVictimsEndpointDrawsNoMoreChallengeOctetsThanItHad() throws Exception {
        Family family = Family.IPV4;
        try (Lab lab = new Lab()) {
            TopologyBuilder.build(lab, TopologyKind.ATTACKERS, family);
            InetAddress b = Addresses.of(family, 10, 2);
            InetAddress e = Addresses.of(family, 20, 2);
            InetAddress victim = Addresses.of(family, 20, 77);
            Agents agents = Agents.startIfPresent(lab, ProjectRoot.find(), List.of("b"));
            assertTrue(agents.running(), agents.note());
            UdpEndpoint agentB = new UdpEndpoint(SacipAddress.of(b), AGENT_PORT);
            RogueKey key = UdpRogue.open(lab, "e", new InetSocketAddress(e, 4300)).handshake(agentB);

            PacketTap atB = PacketTap.start(lab, "b", "host " + Addresses.text(victim));
            UdpEnvelope stated = new UdpEnvelope(new UdpEndpoint(SacipAddress.of(victim), VICTIM_PORT), agentB);
            byte[] update = UdpEncoder.encode(key.messages().update(1, stated), stated);
            try (RawIpSocket fromE = RawIpSocket.open(lab.ns("e"))) {
                assertTrue(fromE.send(IpPackets.udp(victim, VICTIM_PORT, b, AGENT_PORT, update)),
                        "the kernel refused the update from V");
            }
            CapturedPacket first = atB.await(p -> p.direction() == CapturedPacket.Direction.OUTBOUND
                    && p.destination().equals(victim) && SacipPacket.udpKind(p)
                    .filter(MessageKind.PATH_CHALLENGE::equals).isPresent(), 5_000,
                    "PATH_CHALLENGE over UDP from B to V (the update verified)");
            assertNoMoreThanCameIn(atB, first, b, victim, "challenge amplification over UDP");
        }
    }

    /**
     * Waits out the retransmissions of the check that {@code first} started (a bounded pause: what must not come is
     * what is measured), then compares what B sent V with what came from V, any protocol.
     */
    private static void assertNoMoreThanCameIn(PacketTap atB, CapturedPacket first, InetAddress b,
            InetAddress victim, String label) {
        Waits.pause(Math.max(0, first.micros() / 1000 + CHECK_SPAN_MS - System.currentTimeMillis()));
        atB.sync(b);
        atB.stop().requireComplete("B's traffic with V");
        TrafficLedger ledger = new TrafficLedger(atB.packets());
        Tally in = ledger.receivedFrom(victim);
        Tally out = ledger.sentTo(victim);
        System.out.printf("%s: from V %s, to V %s (SACIP over ICMP by kind: %s)%n", label, in, out,
                ledger.sacipKindsSentTo(victim));
        assertTrue(in.packets() > 0, "nothing from V reached B");
        assertTrue(out.octets() <= in.octets(), "what came from V (" + in + ") drew " + out + " to V: "
                + ledger.sacipKindsSentTo(victim));
    }
}
