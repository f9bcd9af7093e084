package org.sacip.lab.attack;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.util.List;
import java.util.Optional;
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
import org.sacip.protocol.message.ClaimEntry;
import org.sacip.protocol.message.ClaimProtocol;
import org.sacip.protocol.message.ClaimReply;
import org.sacip.protocol.message.ClaimReplyEntry;
import org.sacip.protocol.message.ClaimVerdict;
import org.sacip.protocol.message.FieldLengths;
import org.sacip.protocol.message.Octets;

/**
 * The address a host leaves behind is handed to someone else, who also runs an agent and talks to the same server.
 *
 * <pre>
 *   A (198.18.1.2 = X) ──lan1── R ── B (198.18.10.2)        A streams to B:5001 from X, moves X -> Y (subnet 2)
 *   C takes X on lan1, streams to B:5002 from X             its agent agrees its own key with B from X
 *   C moves X -> Z (subnet 3) and back home to X            its agent announces both, the second a return home
 *   A moves Y -> W (subnet 4)                               A's update must still be honoured
 *   C sends a segment with A's original tuple X:a -> B:5001 (sequence numbers taken from B's wire: the worst case)
 *   a rogue in C agrees its own key from X and claims A's session (guessed ISNs; "no record")
 * </pre>
 *
 * A's stream must survive untouched (nothing lost, nothing foreign delivered to B's socket), B must follow A to W,
 * C must never receive a packet of A's connection, C's forged claims must bind nothing, and C's own stream must
 * survive its own moves, bound to C's key while A's stays bound to A's.
 */
class AddressReuseTest {
    private static final int A_PORT = 5001;
    private static final int C_PORT = 5002;
    private static final long FOLLOW_LIMIT_MS = 10_000;
    private static final long BIND_LIMIT_MS = 3_000;
    private static final long CLAIM_LIMIT_MS = 10_000;
    /** How long an agent keeps accepting a session's previous wire tuple after it changed (docs/AGENT.md). */
    private static final long LINGER_MS = 20_000;

    @ParameterizedTest
    @EnumSource(value = Family.class, names = {"IPV4", "IPV6"})
    void theNextHolderOfAnAddressNeitherHijacksNorKillsTheSessionsThatMovedAway(Family family) throws Exception {
        try (Lab lab = new Lab()) {
            Topology topology = AttackTopologies.addressReuse(lab, family);
            Mover mover = new Mover(topology);
            InetAddress x = Addresses.of(family, 1, 2);
            InetAddress y = Addresses.of(family, 2, 2);
            InetAddress z = Addresses.of(family, AttackTopologies.C_SECOND_SUBNET, 2);
            InetAddress w = Addresses.of(family, AttackTopologies.A_THIRD_SUBNET, 2);
            InetAddress b = Addresses.of(family, 10, 2);
            Agents agents = Agents.startIfPresent(lab, ProjectRoot.find(), List.of("a", "b", "c"));
            assertTrue(agents.running(), agents.note());
            AgentControl controlB = agents.control("b");

            // A streams to B from X; keys agreed; A moves to Y and B follows.
            VerifiedStream streamA = VerifiedStream.open(lab, "a", x, "b", new InetSocketAddress(b, A_PORT));
            String aLocal = Addresses.endpoint(b, A_PORT);
            String aRemote = Addresses.endpoint(x, streamA.clientPort());
            String keyA = PeerKeys.await(agents, "a", b).get(0);
            PeerKeys.await(agents, "b", x);
            awaitBoundIfListed(controlB, aLocal, aRemote, keyA);
            mover.move(new MoveStep("a", 0, 1, MoveKind.MAKE_BEFORE_BREAK, 0));
            awaitActiveRemote(controlB, aLocal, aRemote, y, "B follows A's first move to " + Addresses.text(y));
            long aFirstMoveFollowedAt = System.currentTimeMillis();

            // C gets X on the LAN A left and, innocently, opens its own stream to B; its agent agrees a key from X.
            PacketTap atC = PacketTap.start(lab, "c", "tcp port " + A_PORT);
            AttackTopologies.takeAddress(topology, "c");
            VerifiedStream streamC = VerifiedStream.open(lab, "c", x, "b", new InetSocketAddress(b, C_PORT));
            String cLocal = Addresses.endpoint(b, C_PORT);
            String cRemote = Addresses.endpoint(x, streamC.clientPort());
            String keyC = PeerKeys.await(agents, "c", b).get(0);
            awaitBoundIfListed(controlB, cLocal, cRemote, keyC);

            // C moves away and comes home: its agent announces X -> Z, then a return home Z -> X.
            mover.move(new MoveStep("c", 0, 1, MoveKind.MAKE_BEFORE_BREAK, 0));
            awaitActiveRemote(controlB, cLocal, cRemote, z, "B follows C's move to " + Addresses.text(z));
            String cFromZ = Addresses.endpoint(z, streamC.clientPort());
            Waits.until("C's agent has B's acknowledgement (C sends from Z)", FOLLOW_LIMIT_MS,
                    () -> AgentFacts.sessions(agents.control("c")), AgentFacts.sendingFrom(cFromZ));
            Optional<JsonNode> cRowWhileAway = AgentFacts.session(controlB, cLocal, cRemote);
            Optional<JsonNode> aRowWhileCAway = AgentFacts.session(controlB, aLocal, aRemote);
            mover.move(new MoveStep("c", 1, 0, MoveKind.MAKE_BEFORE_BREAK, 0));
            Waits.until("B sends C's session to X again after C came home", FOLLOW_LIMIT_MS,
                    () -> AgentFacts.session(controlB, cLocal, cRemote),
                    row -> row.isEmpty() || row.get().path("active_remote").asText().equals(cRemote));

            // A moves on, Y -> W: B must still honour A's update.
            mover.move(new MoveStep("a", 1, 2, MoveKind.MAKE_BEFORE_BREAK, 0));
            Waits.Outcome<Optional<JsonNode>> followedW = Waits.poll(FOLLOW_LIMIT_MS,
                    () -> AgentFacts.session(controlB, aLocal, aRemote),
                    row -> row.isPresent() && row.get().path("active_remote").asText()
                            .equals(Addresses.endpoint(w, streamA.clientPort())));

            // Once the linger of A's first move is over, C writes into A's connection with A's original tuple.
            // The sequence numbers are read off B's wire: an attacker that guessed them, the worst case.
            Waits.pause(Math.max(0, aFirstMoveFollowedAt + LINGER_MS + 2000 - System.currentTimeMillis()));
            String injected = injectIntoMovedSession(lab, family, x, streamA.clientPort(), b);

            // A rogue beside C's agent agrees a key of its own with B from X and claims A's session under it, once
            // with guessed initial sequence numbers and once saying it saw no opening: B must bind neither.
            RoguePeer rogueC = RoguePeer.start(lab, "c");
            RogueKey forgedKey = rogueC.handshake(x, b);
            byte[] guessed = new byte[FieldLengths.CLAIM_PROOF];
            new SecureRandom().nextBytes(guessed);
            java.util.Arrays.fill(guessed, ClaimEntry.TCP_PROOF_OCTETS, guessed.length, (byte) 0);
            Optional<ClaimReply> forgedClaims = rogueC.claimUntilSeen(forgedKey, 1, x, b, List.of(
                    ClaimEntry.tcp(streamA.clientPort(), A_PORT, Octets.of(guessed)),
                    ClaimEntry.withoutRecord(ClaimProtocol.TCP, streamA.clientPort(), A_PORT)), x, b, CLAIM_LIMIT_MS);
            List<ClaimVerdict> forgedVerdicts = forgedClaims.map(reply -> reply.entries().stream()
                    .map(ClaimReplyEntry::verdict).toList()).orElse(List.of());
            Optional<JsonNode> aRowAfterForgery = AgentFacts.session(controlB, aLocal, aRemote);

            StreamFigures a = streamA.finish();
            StreamFigures c = streamC.finish();
            atC.sync(x);
            List<CapturedPacket> aPacketsAtC = atC.packets().stream()
                    .filter(p -> p.direction() == CapturedPacket.Direction.INBOUND && !PacketTap.isMarker(p))
                    .toList();
            System.out.printf("address reuse %s: A %s (gap %d ms, lost %d, corrupted %d), C %s; keys A %s C %s;"
                    + " A's packets at C %d; injected %s; verdicts on C's forged claims %s%n", family, a.verdict(),
                    a.maxGapMs(), a.bytesLost(), a.bytesCorrupted(), c.verdict(), keyA, keyC, aPacketsAtC.size(),
                    injected, forgedVerdicts);
            assertAll(
                    () -> assertEquals(Verdict.SURVIVED, a.verdict(), "A's stream: " + Streams.describe(a)),
                    () -> assertEquals(0, a.bytesCorrupted(), "foreign bytes reached A's connection at B"),
                    () -> assertEquals(0, streamA.extraOctetsAtServer(), "B's socket of A's connection received"
                            + " octets A never sent"),
                    () -> assertTrue(followedW.met(), "B did not follow A's second move to " + Addresses.text(w)
                            + ": B's row for A's session is " + followedW.last()),
                    () -> assertTrue(aPacketsAtC.isEmpty(), "C, the new holder of " + Addresses.text(x)
                            + ", received " + aPacketsAtC.size() + " packet(s) of A's connection, first "
                            + aPacketsAtC.stream().findFirst()),
                    () -> assertEquals(Verdict.SURVIVED, c.verdict(), "C's own stream across its moves: "
                            + Streams.describe(c)),
                    () -> assertNotEquals(keyA, keyC, "A and C share a key"),
                    () -> assertTrue(!forgedVerdicts.contains(ClaimVerdict.BOUND), "B bound A's session to the key"
                            + " of the rogue at C: " + forgedVerdicts),
                    () -> assertEquals(Optional.of(keyA), AgentFacts.boundKey(aRowAfterForgery.orElseThrow(
                            () -> new AssertionError("B listed no row for A's session after C's claims"))),
                            "A's session at B is not bound to A's key after C's forged claims"),
                    () -> assertEquals(Optional.of(keyC), AgentFacts.boundKey(cRowWhileAway.orElseThrow(
                            () -> new AssertionError("B listed no row for C's moved session"))),
                            "C's session at B is not bound to C's key"),
                    () -> assertEquals(Optional.of(keyA), AgentFacts.boundKey(aRowWhileCAway.orElseThrow(
                            () -> new AssertionError("B listed no row for A's moved session while C was away"))),
                            "A's session at B is not bound to A's key while C is away"));
        }
    }

    /**
     * From C (holding X): a 1 KiB data segment X:aPort -> B:5001 whose sequence number is that of A's latest
     * segment B received, with A's acknowledgement and options (timestamps): in B's receive window, so if B's
     * kernel hands it to the socket, the stream shows foreign bytes. Says what was done (for the figures line).
     */
    private static String injectIntoMovedSession(Lab lab, Family family, InetAddress x, int aPort, InetAddress b)
            throws Exception {
        try (PacketTap atB = PacketTap.start(lab, "b", "tcp dst port " + A_PORT);
                RawIpSocket fromC = RawIpSocket.open(lab.ns("c"), family.isV6())) {
            CapturedPacket latest;
            try {
                latest = atB.await(p -> p.direction() == CapturedPacket.Direction.INBOUND
                        && TcpHeader.of(p).filter(t -> t.sourcePort() == aPort && t.payloadLength() > 0)
                        .isPresent(), 5000, "of A's stream arriving at B");
            } catch (org.sacip.lab.LabException silent) {
                return "nothing: A's connection carries nothing to B any more";
            }
            TcpHeader a = TcpHeader.of(latest).orElseThrow();
            byte[] junk = new byte[1024];
            java.util.Arrays.fill(junk, (byte) 0x5a);
            boolean sent = fromC.send(IpPackets.tcp(TcpSegment.data(new InetSocketAddress(x, aPort),
                    new InetSocketAddress(b, A_PORT), a.sequence(), a.acknowledgement(), a.options(), junk)));
            return sent ? "1024 octets at sequence " + a.sequence() : "nothing: the kernel refused the segment";
        }
    }

    /**
     * Gives the agent a moment to bind the session to its key before the move that needs the binding; agents that
     * list no binding are not held up for long (the assertions at the end say what is missing).
     */
    private static void awaitBoundIfListed(AgentControl control, String local, String remote, String key) {
        Waits.poll(BIND_LIMIT_MS, () -> AgentFacts.session(control, local, remote), row -> row.isPresent()
                && key.equals(row.get().path("key").asText(null)));
    }

    /** Waits until the agent lists the session (its socket tuple) as active, sent to {@code now} on the wire. */
    private static void awaitActiveRemote(AgentControl control, String local, String remote, InetAddress now,
            String what) {
        String expected = Addresses.endpoint(now, Integer.parseInt(remote.substring(remote.lastIndexOf(':') + 1)));
        Waits.until(what, FOLLOW_LIMIT_MS, () -> AgentFacts.session(control, local, remote),
                AgentFacts.sentTo(expected));
    }
}
