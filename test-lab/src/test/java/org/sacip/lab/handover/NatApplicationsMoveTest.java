package org.sacip.lab.handover;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.sacip.lab.attack.Addresses;
import org.sacip.lab.attack.VerifiedStream;
import org.sacip.lab.move.MoveEvent;
import org.sacip.lab.move.MoveKind;
import org.sacip.lab.scenario.StreamFigures;
import org.sacip.lab.topology.Family;
import org.sacip.lab.traffic.Gap;
import org.sacip.lab.traffic.TrafficKind;
import org.sacip.lab.traffic.UdpRequestResponse;
import org.sacip.testing.Eventually;

/**
 * Issue 13 acceptance, real applications through NAT moves. A moves from uplink 1 (address X) to uplink 2 (Y): from
 * behind one NAT to behind another, from behind a NAT to a public address, and from a public address to behind a
 * NAT; make-before-break and break-before-make. The NATs are strict (random ports, invalid packets dropped, see
 * {@link RoamingWithAgents#behindStrictNats}); B is a public host with strict rp_filter and a stateful firewall
 * ({@link RoamingWithAgents#protectB}). Four applications, all opened from X before the move, must go on after it:
 * <ol>
 * <li>the verified stream (counters both ways every 2 ms, in order): nothing lost;
 * <li>an OpenSSH session running {@code cat} ({@link SshSession}): every line echoed in order, the session still
 * open at the end and ssh's exit status 0 when its input ends;
 * <li>a bulk transfer both ways at once: every octet intact (running hashes), and after the move full-size segments
 * (on average at least {@value #FULL_SIZE} octets of payload) both ways, as the kernel counted what it sent;
 * <li>UDP request/response every {@value #UDP_INTERVAL_MS} ms to a server that answers with sendto to wherever a
 * request came from, from an unconnected client that sees a reply from any other address (counted as corrupted):
 * the replies keep coming; make-before-break loses none, break-before-make no more than were sent while nothing got
 * through (UDP does not retransmit).
 * </ol>
 */
class NatApplicationsMoveTest {
    private static final int FULL_SIZE = 1000;
    private static final long UDP_INTERVAL_MS = 10;
    /** Each way: enough for full-size segments, little for the shared machine and the tunnel's user-space path. */
    private static final long BULK_RATE = 4L << 20;
    /** What the bulk transfer sends each way after the move before its segments are counted. */
    private static final long BULK_OCTETS_AFTER_MOVE = 2L << 20;
    private static final Duration FLOW_LIMIT = Duration.ofSeconds(15);

    @Test
    void applicationsOpenedBehindOneNatSurviveAMakeBeforeBreakMoveBehindAnother() {
        move(true, true, MoveKind.MAKE_BEFORE_BREAK);
    }

    @Test
    void applicationsOpenedBehindOneNatSurviveABreakBeforeMakeMoveBehindAnother() {
        move(true, true, MoveKind.BREAK_BEFORE_MAKE);
    }

    @Test
    void applicationsOpenedBehindANatSurviveAMakeBeforeBreakMoveToAPublicAddress() {
        move(true, false, MoveKind.MAKE_BEFORE_BREAK);
    }

    @Test
    void applicationsOpenedBehindANatSurviveABreakBeforeMakeMoveToAPublicAddress() {
        move(true, false, MoveKind.BREAK_BEFORE_MAKE);
    }

    @Test
    void applicationsOpenedAtAPublicAddressSurviveAMakeBeforeBreakMoveBehindANat() {
        move(false, true, MoveKind.MAKE_BEFORE_BREAK);
    }

    @Test
    void applicationsOpenedAtAPublicAddressSurviveABreakBeforeMakeMoveBehindANat() {
        move(false, true, MoveKind.BREAK_BEFORE_MAKE);
    }

    private static void move(boolean natAtX, boolean natAtY, MoveKind kind) {
        String name = kind + " " + (natAtX ? "NAT" : "public") + " -> " + (natAtY ? "NAT" : "public");
        try (RoamingWithAgents lab = new RoamingWithAgents(Family.IPV4)) {
            lab.behindStrictNats(natAtX, natAtY);
            lab.protectB();

            // The four applications, from X.
            VerifiedStream stream = lab.openStream();
            SshSession ssh = SshSession.open(lab.lab, "a", lab.x, "b", lab.nextPortAtB());
            VerifiedStream bulk = lab.openStream(TrafficKind.BULK,
                    Map.of("duplex", "true", "rate", Long.toString(BULK_RATE)));
            VerifiedStream udp = lab.openStream(TrafficKind.UDP,
                    Map.of("unconnected", "true", "intervalMicros", Long.toString(UDP_INTERVAL_MS * 1000)));
            Map<String, Integer> portAtX = new LinkedHashMap<>();
            portAtX.put("stream", stream.clientPort());
            portAtX.put("ssh", ssh.clientPort());
            portAtX.put("bulk", bulk.clientPort());
            portAtX.put("udp", udp.clientPort());
            portAtX.forEach((app, port) -> lab.awaitSessionAtA(port, app + ": bound to a key",
                    RoamingWithAgents::bound));

            // The move. Onto a NAT A carries its sessions through the tunnel; onto a public address it sends from Y.
            Runnable everySessionMoved = () -> portAtX.forEach((app, port) -> lab.awaitSessionAtA(port,
                    app + (natAtY ? ": carried through the tunnel" : ": sending from Y"), moved(lab, natAtY, port)));
            // Uplink 1 stays, with make-before-break, until every session moved.
            MoveEvent move = kind == MoveKind.MAKE_BEFORE_BREAK ? lab.move(kind, everySessionMoved) : lab.move(kind);
            everySessionMoved.run();

            // After the move: every application flows again, the bulk transfer in full-size segments both ways.
            boolean streamFlows = stream.awaitFlowing(FLOW_LIMIT);
            boolean sshFlows = ssh.awaitFlowing(FLOW_LIMIT);
            boolean bulkFlows = bulk.awaitFlowing(FLOW_LIMIT);
            boolean udpFlows = udp.awaitFlowing(FLOW_LIMIT);
            int bulkPort = bulk.serverPort();
            SentSegments fromA = SentSegments.of(lab.lab, "a", "dport", bulkPort);
            SentSegments fromB = SentSegments.of(lab.lab, "b", "sport", bulkPort);
            Eventually.await(FLOW_LIMIT, () -> SentSegments.of(lab.lab, "a", "dport", bulkPort).octetsSince(fromA)
                    >= BULK_OCTETS_AFTER_MOVE && SentSegments.of(lab.lab, "b", "sport", bulkPort).octetsSince(fromB)
                    >= BULK_OCTETS_AFTER_MOVE, () -> name + ": the bulk transfer sends "
                    + BULK_OCTETS_AFTER_MOVE + " octets each way after the move\n" + lab.diagnostics());
            SentSegments laterFromA = SentSegments.of(lab.lab, "a", "dport", bulkPort);
            SentSegments laterFromB = SentSegments.of(lab.lab, "b", "sport", bulkPort);
            long payloadAtoB = laterFromA.averagePayloadSince(fromA);
            long payloadBtoA = laterFromB.averagePayloadSince(fromB);

            String sessions = lab.sessions();
            StreamFigures streamFigures = stream.finish();
            StreamFigures bulkFigures = bulk.finish();
            StreamFigures udpFigures = udp.finish();
            SshSession.Figures sshFigures = ssh.finish();
            long udpLost = udpFigures.bytesLost() / UdpRequestResponse.SIZE;
            long udpUnsent = udpFigures.sendErrors();
            // A request sent while nothing got through is lost, and no other: the longest silence bounds them.
            long udpLossAllowed = kind == MoveKind.MAKE_BEFORE_BREAK ? 0
                    : udpFigures.maxGapMs() / UDP_INTERVAL_MS + 2;
            String report = String.format("%s, the move took %d ms:%n  stream: %s%n  ssh: %s%n  bulk: %s, hashes %s,"
                    + " average payload after the move A->B %d (MSS %d), B->A %d (MSS %d)%n  udp: %s, %d datagrams"
                    + " lost and %d not sent (%d allowed)%n%s%n%s", name, move.endMs() - move.startMs(),
                    describe(streamFigures, move), sshFigures, describe(bulkFigures, move),
                    Boolean.TRUE.equals(bulkFigures.hashesMatch()) ? "match" : "DIFFER", payloadAtoB,
                    laterFromA.mss(), payloadBtoA, laterFromB.mss(), describe(udpFigures, move), udpLost, udpUnsent,
                    udpLossAllowed, String.join("\n", move.commands()), sessions);
            System.out.println(report);
            Supplier<String> failure = () -> report + "\n" + ssh.output() + "\n" + lab.diagnostics();
            assertAll(
                    () -> assertEquals("survived", streamFigures.verdict().label(), failure),
                    () -> assertEquals(0, streamFigures.bytesLost(), failure),
                    () -> assertTrue(streamFlows && sshFlows && bulkFlows && udpFlows, () -> "every application"
                            + " flows after the move: stream " + streamFlows + ", ssh " + sshFlows + ", bulk "
                            + bulkFlows + ", udp " + udpFlows + "\n" + failure.get()),
                    () -> assertEquals(sshFigures.sent(), sshFigures.echoed(), failure),
                    () -> assertEquals(0, sshFigures.outOfOrder(), failure),
                    () -> assertTrue(sshFigures.openAtEnd(), failure),
                    () -> assertEquals(0, sshFigures.exitStatus(), failure),
                    () -> assertEquals("survived", bulkFigures.verdict().label(), failure),
                    () -> assertEquals(Boolean.TRUE, bulkFigures.hashesMatch(), failure),
                    () -> assertEquals(0, bulkFigures.bytesLost(), failure),
                    () -> assertTrue(payloadAtoB >= FULL_SIZE && payloadBtoA >= FULL_SIZE, failure),
                    () -> assertNull(udpFigures.failure(), failure),
                    () -> assertEquals(0, udpFigures.bytesCorrupted(), failure),
                    () -> assertTrue(udpLost + udpUnsent <= udpLossAllowed, failure));
        }
    }

    /** A stream's verdict, longest silence (and when it began: ms after the move's start), octets lost, corrupted. */
    private static String describe(StreamFigures figures, MoveEvent move) {
        Gap longest = figures.longestGap();
        return String.format("%s, longest gap %s, %d octets lost, %d corrupted or foreign", figures.verdict().label(),
                longest == null ? "none" : String.format("%d ms (from %+d ms)", longest.durationMs(),
                        longest.startMs() - move.startMs()), figures.bytesLost(), figures.bytesCorrupted());
    }

    /** A's row of a session that moved: carried through the tunnel onto a NAT, else sending from Y's same port. */
    private static Predicate<JsonNode> moved(RoamingWithAgents lab, boolean ontoANat, int port) {
        return ontoANat ? row -> "encapsulated".equals(row.path("path").asText())
                : RoamingWithAgents.activeFrom(Addresses.endpoint(lab.y, port));
    }
}
