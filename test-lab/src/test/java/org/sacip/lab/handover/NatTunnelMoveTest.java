package org.sacip.lab.handover;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.sacip.lab.attack.Addresses;
import org.sacip.lab.attack.VerifiedStream;
import org.sacip.lab.move.MoveKind;
import org.sacip.lab.scenario.StreamFigures;
import org.sacip.lab.topology.Family;
import org.sacip.testing.Eventually;

/**
 * Issue 13, a host that moves onto a network behind a NAT: the router masquerades uplink 2 (random ports) and drops
 * SACIP's ICMP from it, anything unsolicited towards it and anything conntrack calls invalid (a strict NAT), as a
 * home router and its ISP would; uplink 1 is direct, or behind a NAT of its own; B runs strict rp_filter and a
 * stateful firewall (input policy drop, established and related accepted, the agent port open). A's move to uplink 2
 * is announced over UDP through the NAT; B follows it, A opens a tunnel between the agent ports, and a verified
 * stream opened before the move goes on through it with nothing lost
 * (B's socket and conntrack keep the tuple they had; where uplink 1 was NATed too, B translates between A's own
 * endpoint inside the tunnel and the NAT's endpoint its socket knows). Make-before-break and break-before-make.
 */
class NatTunnelMoveTest {
    @Test
    void aSessionSurvivesAMakeBeforeBreakMoveFromAPublicAddressOntoANat() {
        move(MoveKind.MAKE_BEFORE_BREAK, false);
    }

    @Test
    void aSessionSurvivesABreakBeforeMakeMoveFromAPublicAddressOntoANat() {
        move(MoveKind.BREAK_BEFORE_MAKE, false);
    }

    @Test
    void aSessionOpenedBehindOneNatSurvivesAMakeBeforeBreakMoveBehindAnother() {
        move(MoveKind.MAKE_BEFORE_BREAK, true);
    }

    @Test
    void aSessionOpenedBehindOneNatSurvivesABreakBeforeMakeMoveBehindAnother() {
        move(MoveKind.BREAK_BEFORE_MAKE, true);
    }

    @Test
    void aCarriedSessionFollowsItsHostBackHomeMakeBeforeBreak() {
        move(MoveKind.MAKE_BEFORE_BREAK, false, true);
    }

    @Test
    void aCarriedSessionFollowsItsHostBackBehindItsFirstNatBreakBeforeMake() {
        move(MoveKind.BREAK_BEFORE_MAKE, true, true);
    }

    /**
     * Back home, A's agent restarts: tunnels are never saved, so the restarted agent must open a new one for the
     * lineage whose sessions it carried (PROTOCOL.md 15.6), though neither host is translated any more.
     */
    @Test
    void aCarriedSessionBackHomeStaysCarriedAcrossARestartOfItsAgent() {
        move(MoveKind.MAKE_BEFORE_BREAK, false, true, true);
    }

    private static void move(MoveKind kind, boolean fromBehindANat) {
        move(kind, fromBehindANat, false);
    }

    private static void move(MoveKind kind, boolean fromBehindANat, boolean andBack) {
        move(kind, fromBehindANat, andBack, false);
    }

    /**
     * A moves onto the NAT of uplink 2; with {@code andBack}, back to its first address afterwards, and with
     * {@code restartAtHome} its agent is then stopped and started again.
     */
    private static void move(MoveKind kind, boolean fromBehindANat, boolean andBack, boolean restartAtHome) {
        try (RoamingWithAgents lab = new RoamingWithAgents(Family.IPV4)) {
            lab.behindStrictNats(fromBehindANat, true);
            lab.protectB();
            VerifiedStream stream = lab.openStream();
            String x = Addresses.endpoint(lab.x, stream.clientPort());
            lab.awaitSessionAtA(stream, "bound to a key", RoamingWithAgents::bound);
            JsonNode before = Eventually.await(Duration.ofSeconds(15), () -> rowAtB(lab, x, fromBehindANat),
                    row -> row != null && row.path("key").isTextual(), () -> "B binds the session: " + lab.sessions());
            String socketAtB = before.path("remote").asText();

            Predicate<JsonNode> carried = row -> "encapsulated".equals(row.path("path").asText());
            if (kind == MoveKind.MAKE_BEFORE_BREAK) {
                // Uplink 1 stays until A's sessions go through the tunnel.
                lab.move(kind, () -> lab.awaitSessionAtA(stream, "carried through the tunnel", carried::test));
            } else {
                lab.move(kind);
            }
            lab.awaitSessionAtA(stream, "carried through the tunnel", carried::test);
            JsonNode afterAtB = Eventually.await(Duration.ofSeconds(15), () -> rowAtB(lab, x, fromBehindANat),
                    row -> row != null && carried.test(row), () -> "B carries the session: " + lab.sessions());
            if (andBack) {
                // Back at its first address A stays in the tunnel: the routers of the direct path did not see the
                // session's packets meanwhile and would drop them as out of window.
                String home = Addresses.text(lab.x);
                Runnable converged = () -> Eventually.await(Duration.ofSeconds(15),
                        () -> lab.agents.logLines("a", "-> " + home + " converged"), lines -> !lines.isEmpty(),
                        () -> "A's return home is confirmed: " + lab.sessions() + "\nA's log:\n" + lab.logOf("a")
                                + "\nB's log:\n" + lab.logOf("b"));
                lab.moveHome(kind, kind == MoveKind.MAKE_BEFORE_BREAK ? converged : () -> { });
                converged.run();
                lab.awaitSessionAtA(stream, "still carried", carried::test);
                if (restartAtHome) {
                    String tunnelUp = "is up: its sessions are carried";
                    int upBefore = lab.agents.logLines("a", tunnelUp).size();
                    assertEquals(0, lab.agents.stop("a", Duration.ofSeconds(10)), "A's agent stops cleanly");
                    lab.agents.restart("a");
                    Eventually.await(Duration.ofSeconds(15), () -> lab.agents.logLines("a", tunnelUp),
                            lines -> lines.size() > upBefore,
                            () -> "A's restarted agent has a tunnel again: " + lab.sessions() + "\nA's log:\n"
                                    + lab.logOf("a") + "\nB's log:\n" + lab.logOf("b"));
                    lab.awaitSessionAtA(stream, "carried again after the restart", carried::test);
                }
            }
            String sessions = lab.sessions();
            String tunnels = lab.agents.logLines("a", "tunnel").toString();
            StreamFigures figures = stream.finish();
            sessions += "\nthe router's NAT: " + lab.lab.run("r", "nft", "list", "table", "ip", "natlab");
            String report = String.format("%s %s%s: stream %s, longest gap %d ms, lost %d, corrupted %d%n%s%n%s",
                    kind, fromBehindANat ? "from behind a NAT onto another NAT" : "from a public address onto a NAT",
                    andBack ? restartAtHome ? " and back, A's agent restarted there" : " and back" : "",
                    figures.verdict().label(), figures.maxGapMs(), figures.bytesLost(), figures.bytesCorrupted(),
                    sessions, tunnels);
            System.out.println(report);
            assertAll(
                    () -> assertEquals("survived", figures.verdict().label(), report),
                    () -> assertEquals(0, figures.bytesLost(), report),
                    () -> assertEquals(0, figures.bytesCorrupted(), report),
                    () -> assertEquals(socketAtB, afterAtB.path("remote").asText(), "B's socket is untouched"),
                    () -> assertEquals(socketAtB, rowAtB(lab, x, fromBehindANat).path("remote").asText()));
        }
    }

    /** B's row of A's session: by the peer's own endpoint where a NAT translated it, else by its remote end. */
    private static JsonNode rowAtB(RoamingWithAgents lab, String peerEndpoint, boolean translated) {
        return lab.rowAtB(translated ? "peer_own" : "remote", peerEndpoint);
    }
}
