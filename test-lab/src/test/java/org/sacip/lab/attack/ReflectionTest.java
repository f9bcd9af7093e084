package org.sacip.lab.attack;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.sacip.lab.Lab;
import org.sacip.lab.agent.Agents;
import org.sacip.lab.agent.ProjectRoot;
import org.sacip.lab.topology.Family;
import org.sacip.lab.topology.TopologyBuilder;
import org.sacip.lab.topology.TopologyKind;
import org.sacip.protocol.message.MessageKind;

/**
 * Off-path reflection through the agent: E (no ingress filtering behind R) sends one UDP datagram (one octet of
 * payload) to B from each of 60 spoofed sources, 20 sources each for three kinds of port:
 *
 * <pre>
 *   7001  closed (the kernel answers port unreachable)
 *   7002  a service that never answers
 *   7003  a service that answers every datagram (as DNS, NTP or QUIC would answer a spoofed query)
 * </pre>
 *
 * Then B itself opens a connection to M, a host without an agent, and the test waits until B's agent has probed M
 * twice (a HELLO and its first retransmission): by then B's agent has acted on every session it had, the spoofed
 * flows (older than that connection) included. From B's own capture, for every spoofed source: the SACIP octets
 * B sent to it are no more than the octets that came in from it.
 */
class ReflectionTest {
    private static final int SOURCES_PER_PORT = 20;
    private static final int CLOSED = 7001;
    private static final int SILENT = 7002;
    private static final int ECHO = 7003;
    private static final int SENTINEL_PORT = 7100;
    private static final long SENTINEL_LIMIT_MS = 20_000;

    @ParameterizedTest
    @EnumSource(value = Family.class, names = {"IPV4", "IPV6"})
    void spoofedDatagramsDrawNoMoreSacipThanCameIn(Family family) throws Exception {
        try (Lab lab = new Lab()) {
            TopologyBuilder.build(lab, TopologyKind.ATTACKERS, family);
            InetAddress m = Addresses.of(family, 1, 66);
            InetAddress b = Addresses.of(family, 10, 2);
            Agents agents = Agents.startIfPresent(lab, ProjectRoot.find(), List.of("a", "b"));
            assertTrue(agents.running(), agents.note());
            UdpService.silent(lab, "b", new InetSocketAddress(b, SILENT));
            UdpService echo = UdpService.echo(lab, "b", new InetSocketAddress(b, ECHO));
            PacketTap atB = PacketTap.start(lab, "b", "not tcp");

            SpoofedSources sources = SpoofedSources.from(family.isV6() ? "2001:db8:99::1" : "198.19.1.1",
                    3 * SOURCES_PER_PORT);
            int[] ports = {CLOSED, SILENT, ECHO};
            PacedSender.Report spoofed;
            try (RawIpSocket fromE = RawIpSocket.open(lab.ns("e"), family.isV6())) {
                // One datagram per source with one octet of payload: the smallest input, so any answer larger than
                // it shows.
                spoofed = PacedSender.start("spoofed UDP from E", fromE, sources.count(), 500,
                        i -> IpPackets.udp(sources.get(i), 40_000 + i, b, ports[i / SOURCES_PER_PORT], new byte[] {1}))
                        .await(30_000);
            }

            // B opens a connection of its own to M (no agent there); two HELLOs from B to M mean B's agent has acted
            // on its sessions, the older spoofed flows included, at least once.
            TcpSink.listen(lab, "m", new InetSocketAddress(m, SENTINEL_PORT));
            TcpClients.connect(lab, "b", List.of(new InetSocketAddress(b, 0)),
                    new InetSocketAddress(m, SENTINEL_PORT), 10_000);
            atB.awaitNth(p -> p.direction() == CapturedPacket.Direction.OUTBOUND && p.destination().equals(m)
                    && SacipPacket.of(p).filter(h -> h.is(MessageKind.HELLO)).isPresent(), 2, SENTINEL_LIMIT_MS, "a second HELLO from B to M, the host B connected to");
            atB.sync(b);
            atB.stop().requireComplete("B's traffic");
            TrafficLedger ledger = new TrafficLedger(atB.packets());

            List<String> amplified = new ArrayList<>();
            long sacipOut = 0;
            long spoofedIn = 0;
            for (int i = 0; i < sources.count(); i++) {
                InetAddress source = sources.get(i);
                Tally out = ledger.sacipSentTo(source);
                Tally in = ledger.receivedFrom(source);
                sacipOut += out.octets();
                spoofedIn += in.octets();
                String port = switch (ports[i / SOURCES_PER_PORT]) {
                    case CLOSED -> "closed port";
                    case SILENT -> "silent service";
                    default -> "answering service";
                };
                if (out.octets() > in.octets()) {
                    amplified.add(Addresses.text(source) + " (" + port + "): " + in + " in, SACIP out "
                            + ledger.sacipKindsSentTo(source));
                }
            }
            System.out.printf("reflection %s: E sent %s; B received %d octets from the spoofed sources and sent"
                    + " them %d octets of SACIP; the echo service answered %d datagrams%n", family, spoofed,
                    spoofedIn, sacipOut, echo.received());
            assertTrue(echo.received() > 0, "the answering service got none of the spoofed datagrams");
            assertTrue(amplified.isEmpty(), "B sent more SACIP octets than it received to " + amplified.size()
                    + " of " + sources.count() + " spoofed sources, e.g. " + amplified.subList(0,
                    Math.min(3, amplified.size())));
        }
    }
}
