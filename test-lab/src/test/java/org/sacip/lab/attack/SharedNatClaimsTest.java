package org.sacip.lab.attack;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.sacip.lab.handover.RoamingWithAgents;
import org.sacip.lab.move.MoveKind;
import org.sacip.lab.scenario.StreamFigures;
import org.sacip.lab.topology.Family;
import org.sacip.lab.topology.TopologyKind;
import org.sacip.protocol.claim.ClaimProofs;
import org.sacip.protocol.claim.TcpSide;
import org.sacip.protocol.message.ClaimEntry;
import org.sacip.protocol.message.ClaimProtocol;
import org.sacip.protocol.message.ClaimReply;
import org.sacip.protocol.message.ClaimVerdict;
import org.sacip.protocol.message.SacipAddress;
import org.sacip.protocol.message.UdpEndpoint;
import org.sacip.testing.Eventually;

/**
 * Issue 13, two hosts behind one NAT (docs/PROTOCOL.md 13.10): A (X) and its neighbour M share A's first LAN, which R
 * masquerades behind its address on B's side, keeping ports where it can (strict: see
 * {@link RoamingWithAgents#strictNat}); A's second uplink is NATed by R too. Both run agents, and both open a
 * verified stream from the same local port, 40000, to the same port of B's, A first: the NAT must give M's another
 * public port, and B tells the two sessions apart by their opening proofs alone. A then moves to its second uplink
 * (its sessions go through a tunnel), M stays. A's stream loses nothing; M's row at B keeps its key, endpoint and
 * binding, and its stream loses nothing either.
 *
 * <p>Then M tries to take A's session: a rogue in M agrees a real key of its own with B over UDP from M's address
 * (as M's agent would) and claims A's session under it, with A's real proof (read from the SYN-ACK that R
 * forwarded, as an on-path neighbour could), with a guessed one, without a record, and in A's name. B refuses each:
 * A's session stays bound to A's key, and A's stream keeps delivering.
 */
class SharedNatClaimsTest {
    private static final int SHARED_PORT = 40_000;
    private static final int ROGUE_PORT = 4300;
    private static final long ANSWER_LIMIT_MS = 5_000;
    private static final Duration STATE_LIMIT = Duration.ofSeconds(15);

    @Test
    void aNeighbourBehindTheSameNatKeepsItsSessionAndCannotClaimTheMovingHostsOne() {
        Family family = Family.IPV4;
        try (RoamingWithAgents lab = new RoamingWithAgents(family, TopologyKind.ATTACKERS, List.of("a", "b", "m"))) {
            lab.strictNat(false, 1, 2);
            lab.protectB();
            InetAddress m = Addresses.of(family, 1, 66);
            InetAddress nat = Addresses.of(family, 10, 1);
            int port = RoamingWithAgents.streamPort();
            InetSocketAddress service = new InetSocketAddress(lab.b, port);
            PacketTap synAcks = PacketTap.start(lab.lab, "r", "tcp src port " + port
                    + " and tcp[tcpflags] & (tcp-syn|tcp-ack) == (tcp-syn|tcp-ack)");
            VerifiedStream streamA = VerifiedStream.open(lab.lab, "a", new InetSocketAddress(lab.x, SHARED_PORT), "b",
                    service);
            VerifiedStream streamM = VerifiedStream.open(lab.lab, "m", new InetSocketAddress(m, SHARED_PORT), "b",
                    service);
            String ownA = Addresses.endpoint(lab.x, SHARED_PORT);
            String ownM = Addresses.endpoint(m, SHARED_PORT);
            JsonNode rowA = awaitRowAtB(lab, ownA, RoamingWithAgents::bound, "bound to a key");
            JsonNode rowM = awaitRowAtB(lab, ownM, RoamingWithAgents::bound, "bound to a key");
            assertAll("both sessions come from the NAT, M's remapped",
                    () -> assertEquals(Addresses.endpoint(nat, SHARED_PORT), rowA.path("remote").asText(), lab
                            .sessions()),
                    () -> assertTrue(rowM.path("remote").asText().startsWith(Addresses.text(nat) + ":"), lab
                            .sessions()),
                    () -> assertNotEquals(rowA.path("remote").asText(), rowM.path("remote").asText(), lab.sessions()),
                    () -> assertNotEquals(rowA.path("key").asText(), rowM.path("key").asText(), lab.sessions()));

            Predicate<JsonNode> carried = row -> "encapsulated".equals(row.path("path").asText());
            lab.move(MoveKind.MAKE_BEFORE_BREAK, () -> lab.awaitSessionAtA(streamA, "carried through the tunnel",
                    carried::test));
            awaitRowAtB(lab, ownA, carried, "carried through the tunnel");

            // The rogue's key is M's own: agreed from M's address, through the NAT, as M's agent agreed its own.
            UdpRogue rogue = UdpRogue.open(lab.lab, "m", new InetSocketAddress(m, ROGUE_PORT));
            UdpEndpoint agentB = new UdpEndpoint(SacipAddress.of(lab.b), 4253);
            RogueKey key = rogue.handshake(agentB);
            TcpHeader synAck = TcpHeader.of(synAcks.await(p -> p.destination().equals(lab.x), ANSWER_LIMIT_MS,
                    "the SYN-ACK of A's connection, forwarded to A")).orElseThrow();
            ClaimEntry realProof = ClaimEntry.tcp(SHARED_PORT, port, ClaimProofs.tcpProof((int) synAck.sequence(),
                    (int) synAck.acknowledgement(), TcpSide.CLIENT));
            SecureRandom random = new SecureRandom();
            ClaimEntry guessed = ClaimEntry.tcp(SHARED_PORT, port, ClaimProofs.tcpProof(random.nextInt(),
                    random.nextInt(), TcpSide.CLIENT));
            ClaimEntry noRecord = ClaimEntry.withoutRecord(ClaimProtocol.TCP, SHARED_PORT, port);
            SacipAddress ownAddress = SacipAddress.of(m);
            SacipAddress atB = SacipAddress.of(lab.b);
            Map<String, Optional<ClaimVerdict>> verdicts = new LinkedHashMap<>();
            verdicts.put("A's real proof", verdict(rogue.claim(key, 1, ownAddress, atB, List.of(realProof), agentB,
                    ANSWER_LIMIT_MS)));
            verdicts.put("a guessed proof", verdict(rogue.claim(key, 2, ownAddress, atB, List.of(guessed), agentB,
                    ANSWER_LIMIT_MS)));
            verdicts.put("no record", verdict(rogue.claim(key, 3, ownAddress, atB, List.of(noRecord), agentB,
                    ANSWER_LIMIT_MS)));
            // In A's name: the key is bound to M's address, so B drops the claim unanswered (WRONG_ADDRESS).
            long wrongAddressBefore = drops(lab, "WRONG_ADDRESS");
            rogue.claim(key, 4, SacipAddress.of(lab.x), atB, List.of(realProof), agentB, 0);
            Eventually.await(STATE_LIMIT, () -> drops(lab, "WRONG_ADDRESS"), n -> n > wrongAddressBefore,
                    () -> "B drops the claim in A's name: " + lab.agents.control("b").status());
            verdicts.put("in A's name", rogue.received().stream().map(UdpRogue.Received::message)
                    .filter(ClaimReply.class::isInstance).map(ClaimReply.class::cast)
                    .filter(reply -> reply.claimNumber() == 4).findFirst().flatMap(SharedNatClaimsTest::verdict));
            boolean flowing = streamA.awaitFlowing(STATE_LIMIT);

            JsonNode afterA = rowAtB(lab, ownA).orElseThrow();
            JsonNode afterM = rowAtB(lab, ownM).orElseThrow();
            String sessions = lab.sessions();
            StreamFigures figuresA = streamA.finish();
            StreamFigures figuresM = streamM.finish();
            String report = String.format("shared NAT: A's stream %s (lost %d, corrupted %d, longest gap %d ms), M's"
                    + " %s (lost %d, corrupted %d); the rogue's claims of A's session (key %s): %s%n%s%nA's log:%n%s"
                    + "%nB's log:%n%s", figuresA.verdict().label(), figuresA.bytesLost(), figuresA.bytesCorrupted(),
                    figuresA.maxGapMs(), figuresM.verdict().label(), figuresM.bytesLost(), figuresM.bytesCorrupted(),
                    key.id(), verdicts, sessions, lab.logOf("a"), lab.logOf("b"));
            System.out.println(report.substring(0, report.indexOf("A's log:")));
            assertAll(
                    () -> assertEquals(Optional.of(ClaimVerdict.HELD_BY_OTHER_KEY), verdicts.get("A's real proof"),
                            report),
                    () -> assertTrue(verdicts.get("a guessed proof").filter(v -> v == ClaimVerdict.NOT_YET_SEEN
                            || v == ClaimVerdict.NO_SUCH_SESSION).isPresent(), report),
                    () -> assertEquals(Optional.of(ClaimVerdict.NO_SUCH_SESSION), verdicts.get("no record"), report),
                    () -> assertEquals(Optional.empty(), verdicts.get("in A's name"), report),
                    () -> assertEquals(rowA.path("key").asText(), afterA.path("key").asText(), "A's key: " + report),
                    () -> assertTrue(carried.test(afterA), report),
                    () -> assertEquals(rowA.path("remote").asText(), afterA.path("remote").asText(), report),
                    () -> assertEquals(fields(rowM), fields(afterM), "M's row at B: " + report),
                    () -> assertTrue(flowing, "A's stream delivers after the claims: " + report),
                    () -> assertEquals("survived", figuresA.verdict().label(), report),
                    () -> assertEquals(0, figuresA.bytesLost(), report),
                    () -> assertEquals(0, figuresA.bytesCorrupted(), report),
                    () -> assertEquals("survived", figuresM.verdict().label(), report),
                    () -> assertEquals(0, figuresM.bytesLost(), report),
                    () -> assertEquals(0, figuresM.bytesCorrupted(), report));
        }
    }

    private static Optional<ClaimVerdict> verdict(Optional<ClaimReply> reply) {
        return reply.map(r -> r.entries().get(0).verdict());
    }

    private static Optional<ClaimVerdict> verdict(ClaimReply reply) {
        return Optional.of(reply.entries().get(0).verdict());
    }

    /** What B's row says about a session's binding and where it is (not its timers). */
    private static List<String> fields(JsonNode row) {
        List<String> fields = new ArrayList<>();
        for (String name : List.of("key", "binding", "state", "remote", "active_remote", "path", "peer_own")) {
            fields.add(name + "=" + row.path(name).asText());
        }
        return fields;
    }

    private static long drops(RoamingWithAgents lab, String reason) {
        return lab.agents.control("b").status().path("drops").path(reason).asLong();
    }

    /** B's row of the session whose holder's own endpoint (behind the NAT) is {@code own}. */
    private static Optional<JsonNode> rowAtB(RoamingWithAgents lab, String own) {
        return AgentFacts.sessions(lab.agents.control("b")).stream()
                .filter(row -> row.path("peer_own").asText().equals(own)).findFirst();
    }

    private static JsonNode awaitRowAtB(RoamingWithAgents lab, String own, Predicate<JsonNode> state, String what) {
        return Eventually.await(STATE_LIMIT, () -> rowAtB(lab, own), row -> row.isPresent() && state.test(row.get()),
                () -> "B lists the session of " + own + " " + what + "\n" + lab.sessions() + "\nA's log:\n"
                        + lab.logOf("a") + "\nB's log:\n" + lab.logOf("b")).orElseThrow();
    }
}
