package org.sacip.lab.handover;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.sacip.lab.attack.Addresses;
import org.sacip.lab.attack.VerifiedStream;
import org.sacip.lab.move.MoveKind;
import org.sacip.lab.scenario.StreamFigures;
import org.sacip.lab.topology.Family;
import org.sacip.testing.Eventually;

/**
 * Issue 13, a host that leaves a NAT: A's uplink 1 sits behind a masquerading NAT on the router (random ports, so B's
 * socket knows A's connection at the router's address 198.18.10.1 and another port), which also drops SACIP's ICMP
 * from the private side, anything unsolicited towards it and anything conntrack calls invalid (a strict NAT), as a
 * home router and its ISP would. Uplink 2 is direct;
 * B runs strict rp_filter and a stateful firewall (input policy drop, established and related accepted, the agent
 * port open).
 * The agents agree a key over UDP, B binds A's session by its opening proof (ports alone never match), and when A
 * moves to uplink 2 the verified stream goes on, nothing lost: A sends from Y as before, and B rewrites Y and A's own
 * port to the NAT's endpoint its socket knows. Make-before-break and break-before-make.
 */
class NatToDirectMoveTest {
    @Test
    void aSessionOpenedBehindANatSurvivesAMakeBeforeBreakMoveToADirectAddress() {
        moveOutOfTheNat(MoveKind.MAKE_BEFORE_BREAK);
    }

    @Test
    void aSessionOpenedBehindANatSurvivesABreakBeforeMakeMoveToADirectAddress() {
        moveOutOfTheNat(MoveKind.BREAK_BEFORE_MAKE);
    }

    private static void moveOutOfTheNat(MoveKind kind) {
        try (RoamingWithAgents lab = new RoamingWithAgents(Family.IPV4)) {
            lab.behindStrictNats(true, false);
            lab.protectB();
            VerifiedStream stream = lab.openStream();
            String x = Addresses.endpoint(lab.x, stream.clientPort());
            // The key comes from the handover's view and the public endpoint from the engine's, each published on
            // its own schedule: a row read the moment it is bound may not show the endpoint yet.
            JsonNode bound = lab.awaitSessionAtA(stream, "bound to a key through the NAT, its public endpoint known",
                    row -> RoamingWithAgents.bound(row) && row.path("our_public").isTextual());
            String ourPublic = bound.path("our_public").asText();
            JsonNode atB = Eventually.await(Duration.ofSeconds(15), () -> rowAtB(lab, x),
                    row -> row != null && row.path("key").isTextual(), () -> "B binds the session: " + lab.sessions());
            String publicTuple = atB.path("remote").asText();
            assertAll(
                    () -> assertEquals(RoamingWithAgents.NAT, publicTuple.split(":")[0],
                            "B's socket knows A at the NAT"),
                    () -> assertEquals(publicTuple, ourPublic, "A knows its public endpoint: " + lab.sessions()),
                    () -> assertNotEquals(x, publicTuple, "the NAT translated the port"));

            String fromY = Addresses.endpoint(lab.y, stream.clientPort());
            if (kind == MoveKind.MAKE_BEFORE_BREAK) {
                // Uplink 1 and the NAT stay until B confirmed Y.
                lab.move(kind, () -> lab.awaitSessionAtA(stream, "sending from " + fromY,
                        RoamingWithAgents.activeFrom(fromY)));
            } else {
                lab.move(kind);
            }
            lab.awaitSessionAtA(stream, "sending from " + fromY, RoamingWithAgents.activeFrom(fromY));
            String sessions = lab.sessions();
            StreamFigures figures = stream.finish();
            JsonNode afterAtB = rowAtB(lab, x);
            String report = String.format("%s out of the NAT: stream %s, longest gap %d ms, lost %d, corrupted %d%n%s",
                    kind, figures.verdict().label(), figures.maxGapMs(), figures.bytesLost(),
                    figures.bytesCorrupted(), sessions);
            System.out.println(report);
            assertAll(
                    () -> assertEquals("survived", figures.verdict().label(), report),
                    () -> assertEquals(0, figures.bytesLost(), report),
                    () -> assertEquals(0, figures.bytesCorrupted(), report),
                    () -> assertEquals(publicTuple, afterAtB.path("remote").asText(), "B's socket is untouched"),
                    () -> assertEquals(fromY, afterAtB.path("active_remote").asText(), "B sends to A's own port at Y"),
                    () -> assertEquals("rewritten", afterAtB.path("path").asText(), report));
        }
    }

    /** B's row of the session whose peer's own endpoint is {@code peerOwn}, or null. */
    private static JsonNode rowAtB(RoamingWithAgents lab, String peerOwn) {
        return lab.rowAtB("peer_own", peerOwn);
    }
}
