package org.sacip.lab.attack;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.sacip.lab.Lab;
import org.sacip.lab.agent.Agents;
import org.sacip.lab.agent.ProjectRoot;
import org.sacip.lab.move.MoveKind;
import org.sacip.lab.move.MoveStep;
import org.sacip.lab.move.Mover;
import org.sacip.lab.scenario.StreamFigures;
import org.sacip.lab.scenario.Verdict;
import org.sacip.lab.topology.Family;
import org.sacip.lab.topology.Topology;
import org.sacip.lab.topology.TopologyBuilder;
import org.sacip.lab.topology.TopologyKind;

/**
 * After a move the old address stays on A as a ghost for the sessions that still use it; it must not stay a live
 * address for anything else. A runs a UDP service bound to X (as services bound to an internal address are), streams
 * to B from X and moves to Y. Then the new link (R's side of it stands for anyone there) sends, in frames to A's
 * MAC, a UDP datagram to X's service and an ICMP echo request to X. The service gets nothing, A does not answer the
 * echo from X, and the moved stream goes on untouched.
 */
class GhostExposureTest {
    private static final int STREAM_PORT = 5001;
    private static final int SERVICE_PORT = 6000;
    private static final int ECHO_ID = 0x5ac1;

    @Test
    void anActiveGhostAcceptsOnlyThePacketsOfItsSessions() throws Exception {
        Family family = Family.IPV4;
        try (Lab lab = new Lab()) {
            Topology topology = TopologyBuilder.build(lab, TopologyKind.ROAMING, family);
            InetAddress x = Addresses.of(family, 1, 2);
            InetAddress y = Addresses.of(family, 2, 2);
            InetAddress b = Addresses.of(family, 10, 2);
            InetAddress newLink = Addresses.of(family, 2, 1);
            Agents agents = Agents.startIfPresent(lab, ProjectRoot.find(), List.of("a", "b"));
            assertTrue(agents.running(), agents.note());
            UdpService service = UdpService.silent(lab, "a", new InetSocketAddress(x, SERVICE_PORT));
            VerifiedStream stream = VerifiedStream.open(lab, "a", x, "b", new InetSocketAddress(b, STREAM_PORT));
            PeerKeys.await(agents, "a", b);
            PeerKeys.await(agents, "b", x);
            new Mover(topology).move(new MoveStep("a", 0, 1, MoveKind.MAKE_BEFORE_BREAK, 0));
            String expected = Addresses.endpoint(y, stream.clientPort());
            Waits.until("A's move acknowledged (A sends its stream from Y)", 10_000,
                    () -> AgentFacts.sessions(agents.control("a")), AgentFacts.sendingFrom(expected));

            PacketTap atA = PacketTap.start(lab, "a", "icmp or udp port " + SERVICE_PORT);
            try (FrameSocket onNewLink = FrameSocket.open(lab.ns("r"), LinkAddress.of(lab, "r", "ra2"))) {
                byte[] aMac = LinkAddress.of(lab, "a", "up2").mac();
                onNewLink.send(aMac, IpPackets.udp(newLink, 5555, x, SERVICE_PORT, "to the ghost".getBytes(
                        java.nio.charset.StandardCharsets.US_ASCII)));
                byte[] echo = ByteBuffer.allocate(16).put((byte) 8).put((byte) 0).putShort((short) 0)
                        .putShort((short) ECHO_ID).putShort((short) 1).putLong(0x6768_6f73_7421_2121L).array();
                onNewLink.send(aMac, IpPackets.icmp(newLink, x, echo));
            }
            atA.await(p -> p.direction() == CapturedPacket.Direction.INBOUND && p.protocol() == IpPackets.ICMP
                    && p.destination().equals(x), 5_000, "echo request to X arriving at A");
            atA.sync(y);
            List<CapturedPacket> echoReplies = atA.packets().stream()
                    .filter(p -> p.direction() == CapturedPacket.Direction.OUTBOUND && p.protocol() == IpPackets.ICMP
                            && p.source().equals(x) && p.transport()[0] == 0).toList();
            StreamFigures figures = stream.finish();
            System.out.printf("ghost exposure: datagrams delivered to the service on the ghost %d; echo replies"
                    + " from the ghost %d; stream %s%n", service.received(), echoReplies.size(), figures.verdict());
            assertAll(
                    () -> assertEquals(0, service.received(), "a UDP datagram from the new link reached a service"
                            + " bound to the ghost " + Addresses.text(x)),
                    () -> assertEquals(List.of(), echoReplies.stream().map(CapturedPacket::toString).toList(),
                            "A answered an echo request to its ghost from the new link"),
                    () -> assertEquals(Verdict.SURVIVED, figures.verdict(), "the moved stream: " + Streams.describe(figures)));
        }
    }
}
