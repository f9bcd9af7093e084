package org.sacip.lab.attack;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.sacip.lab.Lab;
import org.sacip.lab.agent.AgentControl;
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
import org.sacip.protocol.message.MessageKind;

/**
 * Stalling the agent with addresses nobody holds: every 100 ms E sends B a HELLO from a fresh, unused address of
 * B's own subnet (198.18.10.3 and up, or 2001:db8:10::1:0 and up; R forwards them, E's link has no ingress
 * filter). Answering one would need the link-layer address of someone who is not there. Meanwhile A, streaming to
 * B, moves from uplink 1 to uplink 2.
 *
 * <pre>
 *   E --HELLO from 198.18.10.1xx, every 100 ms--> R --> B        A: stream to B, then moves X -> Y
 * </pre>
 *
 * B must acknowledge A's move (A's agent shows the session active from Y, B's shows it sent to Y) and A's stream
 * must survive; afterwards B's neighbour table holds no INCOMPLETE or FAILED entry for any spoofed address, and B's
 * capture shows no COOKIE to any of them.
 */
class StallTest {
    private static final int PORT = 5001;
    private static final double HELLOS_PER_SECOND = 10;
    private static final int MAX_HELLOS = 400;
    private static final long MOVE_LIMIT_MS = 15_000;

    @ParameterizedTest
    @EnumSource(value = Family.class, names = {"IPV4", "IPV6"})
    void hellosFromUnusedOnLinkAddressesNeitherStallAMoveNorTouchTheNeighbourTable(Family family) throws Exception {
        try (Lab lab = new Lab()) {
            Topology topology = TopologyBuilder.build(lab, TopologyKind.ATTACKERS, family);
            InetAddress x = Addresses.of(family, 1, 2);
            InetAddress y = Addresses.of(family, 2, 2);
            InetAddress b = Addresses.of(family, 10, 2);
            Agents agents = Agents.startIfPresent(lab, ProjectRoot.find(), List.of("a", "b"));
            assertTrue(agents.running(), agents.note());
            AgentControl controlA = agents.control("a");
            AgentControl controlB = agents.control("b");
            VerifiedStream stream = VerifiedStream.open(lab, "a", x, "b", new InetSocketAddress(b, PORT));
            String bLocal = Addresses.endpoint(b, PORT);
            String aRemote = Addresses.endpoint(x, stream.clientPort());
            PeerKeys.await(agents, "a", b);
            PeerKeys.await(agents, "b", x);

            PacketTap atB = PacketTap.start(lab, "b", family.isV6() ? "icmp6" : "icmp");
            // Fresh addresses for every HELLO: 198.18.10.3 to .252 (nobody holds them), or 2001:db8:10::1:0 on.
            SpoofedSources unused = SpoofedSources.from(family.isV6() ? "2001:db8:10::1:0" : "198.18.10.3",
                    family.isV6() ? MAX_HELLOS : 250);
            Forgeries forge = new Forgeries();
            PacedSender.Report spoofed;
            Waits.Outcome<Optional<JsonNode>> bFollowed;
            Waits.Outcome<List<JsonNode>> aConfirmed;
            try (RawIpSocket fromE = RawIpSocket.open(lab.ns("e"), family.isV6())) {
                PacedSender hellos = PacedSender.start("HELLOs from unused on-link addresses", fromE,
                        unused.count(), HELLOS_PER_SECOND, i -> Forgeries.packet(forge.hello(), unused.get(i), b));
                // The stall is on: the first HELLOs are out before A moves.
                atB.awaitNth(p -> p.direction() == CapturedPacket.Direction.INBOUND && SacipPacket.of(p)
                        .filter(h -> h.is(MessageKind.HELLO)).isPresent(), 3, 5000, "third spoofed HELLO at B");
                new Mover(topology).move(new MoveStep("a", 0, 1, MoveKind.MAKE_BEFORE_BREAK, 0));
                String expected = Addresses.endpoint(y, stream.clientPort());
                bFollowed = Waits.poll(MOVE_LIMIT_MS, () -> AgentFacts.session(controlB, bLocal, aRemote),
                        AgentFacts.sentTo(expected));
                aConfirmed = Waits.poll(MOVE_LIMIT_MS, () -> AgentFacts.sessions(controlA),
                        AgentFacts.sendingFrom(expected));
                spoofed = hellos.stop();
            }
            StreamFigures figures = stream.finish();
            atB.sync(b);
            atB.stop().requireComplete("B's ICMP");
            TrafficLedger ledger = new TrafficLedger(atB.packets());
            Set<InetAddress> spoofedAddresses = new HashSet<>(spoofed.bySource().keySet());
            List<KernelTables.Neighbour> unresolved = KernelTables.neighbours(lab, "b").stream()
                    .filter(n -> spoofedAddresses.contains(Addresses.of(n.address())) && n.unresolved()).toList();
            long cookies = spoofedAddresses.stream().mapToLong(s -> ledger.sacipSentTo(s, MessageKind.COOKIE)
                    .packets()).sum();
            System.out.printf("stall %s: %s; B followed after %d ms (%s), A confirmed after %d ms (%s); stream %s"
                    + " (gap %d ms); unresolved neighbour entries for spoofed addresses %d; COOKIEs to them %d%n",
                    family, spoofed, bFollowed.afterMs(), bFollowed.met(), aConfirmed.afterMs(), aConfirmed.met(),
                    figures.verdict(), figures.maxGapMs(), unresolved.size(), cookies);
            assertAll(
                    () -> assertTrue(bFollowed.met(), "B did not follow A's move within " + MOVE_LIMIT_MS
                            + " ms while spoofed HELLOs arrived; B's row: " + bFollowed.last()),
                    () -> assertTrue(aConfirmed.met(), "A's move was not acknowledged within " + MOVE_LIMIT_MS
                            + " ms; A's rows: " + aConfirmed.last()),
                    () -> assertEquals(Verdict.SURVIVED, figures.verdict(), "A's stream: " + Streams.describe(figures)),
                    () -> assertTrue(unresolved.isEmpty(), unresolved.size() + " INCOMPLETE/FAILED neighbour"
                            + " entries on B for spoofed addresses, e.g. " + unresolved.stream().limit(3).toList()),
                    () -> assertEquals(0, cookies, "B sent COOKIEs to addresses nobody holds"));
        }
    }
}
