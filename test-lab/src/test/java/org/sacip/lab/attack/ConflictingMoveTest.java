package org.sacip.lab.attack;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
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
import org.sacip.protocol.message.ClaimEntry;
import org.sacip.protocol.message.ClaimReply;
import org.sacip.protocol.message.ClaimVerdict;
import org.sacip.protocol.message.Octets;
import org.sacip.protocol.message.UpdateAck;

/**
 * A keyed peer asks for a move whose rewrite cannot be installed, and keeps asking while an honest peer moves.
 *
 * <pre>
 *   M (rogue, on A's LAN) holds 198.18.1.66 (M0), .67 (M2) and .68 (M1), agrees a key with B from M0 and one from M2,
 *   connects to B:5004 from M0:40000 and from M2:40000, and claims each session under the key of its address.
 *   M moves M0 -> M1 (B must acknowledge: nothing collides).
 *   M announces M2 -> M1 under M2's key and answers B's challenge: rewritten, the two sessions would be one wire
 *   tuple (M1:40000 <-> B:5004), so B cannot install it and must not acknowledge it.
 *   M repeats that with rising sequence numbers every 20 ms while A, streaming to B, moves X -> Y.
 * </pre>
 *
 * B must never acknowledge M's conflicting move, and A's move must be acknowledged and its stream survive.
 */
class ConflictingMoveTest {
    private static final int ROGUE_PORT = 40_000;
    private static final int SINK_PORT = 5004;
    private static final int STREAM_PORT = 5001;
    private static final long ACK_LIMIT_MS = 5_000;
    private static final long MOVE_LIMIT_MS = 15_000;
    private static final long CLAIM_LIMIT_MS = 10_000;

    @Test
    void aMoveWhoseRewriteCollidesIsNeverAcknowledgedAndFailsNoOtherPeersMove() throws Exception {
        Family family = Family.IPV4;
        try (Lab lab = new Lab()) {
            Topology topology = TopologyBuilder.build(lab, TopologyKind.ATTACKERS, family);
            InetAddress x = Addresses.of(family, 1, 2);
            InetAddress y = Addresses.of(family, 2, 2);
            InetAddress b = Addresses.of(family, 10, 2);
            InetAddress m0 = Addresses.of(family, 1, 66);
            InetAddress m2 = Addresses.of(family, 1, 67);
            InetAddress m1 = Addresses.of(family, 1, 68);
            for (InetAddress extra : List.of(m2, m1)) {
                lab.run("m", "ip", "addr", "add", Addresses.text(extra) + "/24", "dev", "eth0");
            }
            Agents agents = Agents.startIfPresent(lab, ProjectRoot.find(), List.of("a", "b"));
            assertTrue(agents.running(), agents.note());
            AgentControl controlA = agents.control("a");
            AgentControl controlB = agents.control("b");
            VerifiedStream stream = VerifiedStream.open(lab, "a", x, "b", new InetSocketAddress(b, STREAM_PORT));
            PeerKeys.await(agents, "a", b);
            PeerKeys.await(agents, "b", x);

            // The rogue's two keys, then its two sessions from the same port.
            RoguePeer rogue = RoguePeer.start(lab, "m");
            RogueKey keyM0 = rogue.handshake(m0, b);
            RogueKey keyM2 = rogue.handshake(m2, b);
            TcpSink.listen(lab, "b", new InetSocketAddress(b, SINK_PORT));
            PacketTap synAcks = PacketTap.start(lab, "m", OpeningProofs.SYN_ACKS);
            TcpClients.connect(lab, "m", List.of(new InetSocketAddress(m0, ROGUE_PORT),
                    new InetSocketAddress(m2, ROGUE_PORT)), new InetSocketAddress(b, SINK_PORT), 10_000);
            synAcks.sync(m0);
            // The rogue binds each session to its key, with the proof it saw it open, so each move has one to move.
            for (var claim : List.of(Map.entry(keyM0, m0), Map.entry(keyM2, m2))) {
                Octets proof = OpeningProofs.tcpClientProof(synAcks.packets(), claim.getValue(), ROGUE_PORT, SINK_PORT);
                Optional<ClaimReply> bound = rogue.claimUntilSeen(claim.getKey(), 1, claim.getValue(), b,
                        List.of(ClaimEntry.tcp(ROGUE_PORT, SINK_PORT, proof)), claim.getValue(), b, CLAIM_LIMIT_MS);
                assertTrue(bound.isPresent() && bound.get().entries().get(0).verdict() == ClaimVerdict.BOUND,
                        "precondition: B did not bind the rogue's session from " + Addresses.text(claim.getValue())
                                + ": " + bound);
            }
            rogue.answerChallenges(keyM0);
            rogue.answerChallenges(keyM2);

            rogue.sendUpdate(keyM0, 1, m1, b);
            Optional<UpdateAck> firstMove = rogue.awaitAck(keyM0, 1, ACK_LIMIT_MS);
            assertTrue(firstMove.isPresent(), "precondition: B did not acknowledge the rogue's first move M0 -> M1,"
                    + " which collides with nothing (challenges answered: " + rogue.challengesAnswered(keyM0) + ")");

            rogue.sendUpdate(keyM2, 1, m1, b);
            Optional<UpdateAck> conflicting = rogue.awaitAck(keyM2, 1, ACK_LIMIT_MS);
            int answeredBeforeHammer = rogue.challengesAnswered(keyM2);

            // The rogue keeps asking while A moves.
            AtomicBoolean hammering = new AtomicBoolean(true);
            AtomicLong sequence = new AtomicLong(1);
            Thread hammer = new Thread(() -> {
                while (hammering.get()) {
                    rogue.sendUpdate(keyM2, sequence.incrementAndGet(), m1, b);
                    Waits.pause(20);
                }
            }, "conflicting-updates");
            hammer.setDaemon(true);
            hammer.start();
            new Mover(topology).move(new MoveStep("a", 0, 1, MoveKind.MAKE_BEFORE_BREAK, 0));
            String expected = Addresses.endpoint(y, stream.clientPort());
            Waits.Outcome<List<JsonNode>> aConfirmed = Waits.poll(MOVE_LIMIT_MS, () -> AgentFacts.sessions(controlA),
                    AgentFacts.sendingFrom(expected));
            Waits.Outcome<Optional<JsonNode>> bFollowed = Waits.poll(MOVE_LIMIT_MS,
                    () -> AgentFacts.session(controlB, Addresses.endpoint(b, STREAM_PORT),
                            Addresses.endpoint(x, stream.clientPort())),
                    AgentFacts.sentTo(expected));
            StreamFigures figures = stream.finish();
            hammering.set(false);
            hammer.join();
            long acksOfConflicts = rogue.received().stream().flatMap(p -> p.decoded().stream())
                    .filter(message -> message instanceof UpdateAck ack && ack.keyId().equals(keyM2.id())).count();
            System.out.printf("conflicting move: first move acknowledged %s; conflicting move acknowledged %s"
                    + " (challenges answered %d, then %d updates, %d challenges answered, %d acknowledged); A's move"
                    + " confirmed %s after %d ms, B followed %s; stream %s%n", firstMove.isPresent(),
                    conflicting.isPresent(), answeredBeforeHammer, sequence.get() - 1,
                    rogue.challengesAnswered(keyM2), acksOfConflicts, aConfirmed.met(), aConfirmed.afterMs(),
                    bFollowed.met(), figures.verdict());
            assertAll(
                    () -> assertTrue(conflicting.isEmpty(), "B acknowledged M2 -> M1 although its rewrite collides"
                            + " with M0's moved session (both would be M1:" + ROGUE_PORT + " <-> B:" + SINK_PORT
                            + "): " + conflicting),
                    () -> assertEquals(0, acksOfConflicts, "B acknowledged the rogue's conflicting moves "
                            + acksOfConflicts + " time(s)"),
                    () -> assertTrue(aConfirmed.met(), "A's move was not acknowledged while the rogue's failed: "
                            + aConfirmed.last()),
                    () -> assertTrue(bFollowed.met(), "B does not send A's stream to Y: " + bFollowed.last()),
                    () -> assertEquals(Verdict.SURVIVED, figures.verdict(), "A's stream: " + Streams.describe(figures)));
        }
    }
}
