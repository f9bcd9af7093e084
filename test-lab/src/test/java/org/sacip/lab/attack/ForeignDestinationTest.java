package org.sacip.lab.attack;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.sacip.lab.Lab;
import org.sacip.lab.agent.Agents;
import org.sacip.lab.agent.ProjectRoot;
import org.sacip.lab.topology.Family;
import org.sacip.lab.topology.TopologyBuilder;
import org.sacip.lab.topology.TopologyKind;
import org.sacip.protocol.message.MessageKind;
import org.sacip.protocol.message.PathChallenge;
import org.sacip.protocol.message.PathResponse;

/**
 * An agent answers only what is addressed to it, over IPv6 (where the kernel lets a program send from any source).
 *
 * <pre>
 *   On B's link (R's side of it stands for any neighbour), frames that reach B's capture but are not for B:
 *     to B's MAC:        HELLO from V (E's address) to 2001:db8:10::99, an address B does not hold
 *     to all-nodes MAC:  HELLO from V to 2001:db8:10::98, and HELLO from V to ff02::1
 *   then, as a control, E sends B a HELLO from V to B's own address.
 *   On A's link, M (a rogue with a real key agreed with A) sends, in a frame to A's MAC, a PATH_CHALLENGE under
 *   that key to 2001:db8:1::77, which A does not hold; then, as a control, one to A's own address.
 * </pre>
 *
 * B answers the control HELLO and nothing else: no COOKIE from any address but its own. A answers the control
 * challenge and not the other: no PATH_RESPONSE from an address A does not hold.
 */
class ForeignDestinationTest {
    @Test
    void messagesNotAddressedToTheAgentDrawNoAnswer() throws Exception {
        Family family = Family.IPV6;
        try (Lab lab = new Lab()) {
            TopologyBuilder.build(lab, TopologyKind.ATTACKERS, family);
            InetAddress a = Addresses.of(family, 1, 2);
            InetAddress m = Addresses.of(family, 1, 66);
            InetAddress b = Addresses.of(family, 10, 2);
            InetAddress victim = Addresses.of(family, 20, 2);
            InetAddress notB = Addresses.of("2001:db8:10::99");
            InetAddress notBMulticast = Addresses.of("2001:db8:10::98");
            InetAddress allNodes = Addresses.of("ff02::1");
            InetAddress notA = Addresses.of("2001:db8:1::77");
            Agents agents = Agents.startIfPresent(lab, ProjectRoot.find(), List.of("a", "b"));
            assertTrue(agents.running(), agents.note());
            Forgeries forge = new Forgeries();

            // B has used its router (as any host in use has), so an answer to V needs no neighbour resolution.
            KernelTables.resolve(lab, "b", Addresses.of(family, 10, 1));
            // HELLOs that reach B's capture but are not addressed to B.
            PacketTap atB = PacketTap.start(lab, "b", "icmp6");
            try (FrameSocket onBsLink = FrameSocket.open(lab.ns("r"), LinkAddress.of(lab, "r", "rb1"));
                    RawIpSocket fromE = RawIpSocket.open(lab.ns("e"), true)) {
                byte[] bMac = LinkAddress.of(lab, "b", "up1").mac();
                onBsLink.send(bMac, Forgeries.packet(forge.hello(), victim, notB));
                onBsLink.send(LinkAddress.ALL_NODES_MAC, Forgeries.packet(forge.hello(), victim, notBMulticast));
                onBsLink.send(LinkAddress.ALL_NODES_MAC, Forgeries.packet(forge.hello(), victim, allNodes));
                fromE.send(Forgeries.packet(forge.hello(), victim, b));
            }
            try {
                atB.await(p -> p.direction() == CapturedPacket.Direction.OUTBOUND && p.source().equals(b)
                        && p.destination().equals(victim) && SacipPacket.of(p).filter(c -> c.is(MessageKind.COOKIE))
                        .isPresent(), 10_000, "COOKIE from B to V answering the control HELLO");
            } catch (org.sacip.lab.LabException none) {
                throw new AssertionError("precondition: B did not answer a HELLO to its own address from V; B's"
                        + " status: " + agents.control("b").status(), none);
            }
            atB.sync(b);
            List<SacipPacket> foreignCookies = atB.packets().stream()
                    .filter(p -> p.direction() == CapturedPacket.Direction.OUTBOUND && !p.source().equals(b))
                    .flatMap(p -> SacipPacket.of(p).stream()).toList();

            // A PATH_CHALLENGE under a real key, to an address A does not hold, in a frame to A's MAC.
            RoguePeer rogue = RoguePeer.start(lab, "m");
            RogueKey key = rogue.handshake(m, a);
            try (FrameSocket onAsLink = FrameSocket.open(lab.ns("m"), LinkAddress.of(lab, "m", "eth0"))) {
                PathChallenge foreign = rogue.challenge(key, m, notA);
                onAsLink.send(LinkAddress.of(lab, "a", "up1").mac(), Forgeries.packet(foreign, m, notA));
            }
            PathChallenge control = rogue.challenge(key, m, a);
            rogue.send(control, m, a);
            rogue.awaitMessage(PathResponse.class, r -> r.challenge().equals(control.challenge()), 10_000,
                    "PATH_RESPONSE from A to the control challenge");
            List<SacipPacket> answersFromNotA = rogue.received().stream()
                    .filter(p -> p.packet().source().equals(notA)).toList();

            System.out.printf("foreign destinations: SACIP sent by B from addresses not its own %s; SACIP received"
                    + " from %s (not A's) %s%n", foreignCookies, Addresses.text(notA), answersFromNotA);
            assertAll(
                    () -> assertEquals(List.of(), foreignCookies.stream().map(SacipPacket::toString).toList(),
                            "B answered HELLOs addressed to others, from their addresses"),
                    () -> assertEquals(List.of(), answersFromNotA.stream().map(SacipPacket::toString).toList(),
                            "A answered a PATH_CHALLENGE for " + Addresses.text(notA) + ", an address it does not"
                                    + " hold"));
        }
    }
}
