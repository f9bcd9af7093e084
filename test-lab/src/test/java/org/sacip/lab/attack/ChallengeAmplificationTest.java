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
import org.sacip.protocol.message.MessageKind;

/**
 * A keyed peer aims B's reachability checks at a victim. E (a rogue with a real key agreed with B from its own
 * address, and a connection to B) sends one ADDRESS_UPDATE saying its session now lives at V (an address on E's link
 * nobody holds; E's link has no ingress filter, so the update leaves E with V as its source). B checks V with
 * PATH_CHALLENGEs, which nobody answers. Over the whole time B could retransmit them, the SACIP octets B sends to V
 * stay within the octets of the update that named V.
 */
class ChallengeAmplificationTest {
    /** Longer than the whole retransmission of a check (docs/PROTOCOL.md section 8: 6 transmissions, 7.75 s). */
    private static final long CHECK_SPAN_MS = 10_000;

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
            Waits.pause(Math.max(0, first.micros() / 1000 + CHECK_SPAN_MS - System.currentTimeMillis()));
            atB.sync(b);
            atB.stop().requireComplete("B's ICMP");
            TrafficLedger ledger = new TrafficLedger(atB.packets());
            Tally in = ledger.receivedFrom(victim);
            Tally out = ledger.sacipSentTo(victim);
            System.out.printf("challenge amplification: from V %s, SACIP to V %s (%s)%n", in, out,
                    ledger.sacipKindsSentTo(victim));
            assertTrue(out.octets() <= in.octets(), "one update naming V (" + in + ") drew " + out + " of SACIP to V: "
                    + ledger.sacipKindsSentTo(victim));
        }
    }
}
