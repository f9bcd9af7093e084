package org.sacip.lab.handover;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.sacip.lab.attack.VerifiedStream;
import org.sacip.lab.move.MoveKind;
import org.sacip.lab.scenario.StreamFigures;
import org.sacip.lab.topology.Family;
import org.sacip.lab.traffic.TrafficKind;
import org.sacip.testing.Eventually;

/**
 * Issue 13, the tunnel's MTU follows the path's: A moved onto the NAT of uplink 2 and its bulk transfer, full-size
 * segments both ways, is carried through the tunnel; then the link between the router and B carries only 1400
 * octets. The router answers A's larger datagrams with ICMP "fragmentation needed" (which reaches A's agent socket
 * through the NAT, and the kernel records), B's own link refuses B's; each agent lowers its tunnel device's MTU to
 * 1400 minus the tunnel's 68 octets, and TCP resends smaller: every byte arrives both ways, the same as was sent.
 */
class TunnelPathMtuTest {
    private static final int PATH_MTU = 1400;
    private static final int TUNNEL_OVERHEAD = 68;
    private static final Duration LIMIT = Duration.ofSeconds(15);

    @Test
    void aCarriedConnectionFollowsAShrinkingPathMtuWithNothingLost() {
        try (RoamingWithAgents lab = new RoamingWithAgents(Family.IPV4)) {
            lab.strictNat(true, 2);
            lab.protectB();
            VerifiedStream bulk = lab.openStream(TrafficKind.BULK, Map.of("duplex", "true"));
            lab.awaitSessionAtA(bulk, "bound to a key", RoamingWithAgents::bound);
            lab.move(MoveKind.MAKE_BEFORE_BREAK, () -> lab.awaitSessionAtA(bulk, "carried through the tunnel",
                    row -> "encapsulated".equals(row.path("path").asText())));
            assertEquals(1500 - TUNNEL_OVERHEAD, mtu(lab, "a"), "the tunnel's first MTU at A");

            long shrunkAt = System.nanoTime();
            lab.lab.run("r", "ip", "link", "set", "rb1", "mtu", Integer.toString(PATH_MTU));
            lab.lab.run("b", "ip", "link", "set", "up1", "mtu", Integer.toString(PATH_MTU));
            int expected = PATH_MTU - TUNNEL_OVERHEAD;
            for (String host : List.of("a", "b")) {
                Eventually.await(LIMIT, () -> mtu(lab, host), mtu -> mtu == expected,
                        () -> host + "'s tunnel follows the path MTU down to " + expected + ": "
                                + lab.lab.run(host, "ip", "link", "show", "sacip0") + "\n" + lab.diagnostics());
            }
            long followedMs = (System.nanoTime() - shrunkAt) / 1_000_000;
            assertTrue(bulk.awaitFlowing(LIMIT), "the transfer goes on through the smaller tunnel\n"
                    + lab.diagnostics());
            StreamFigures figures = bulk.finish();
            String report = String.format("tunnel MTU %d at both ends %d ms after the path shrank; stream %s, longest"
                    + " gap %d ms, lost %d, corrupted %d, hashes %s%n%s%n%s", expected, followedMs,
                    figures.verdict().label(), figures.maxGapMs(), figures.bytesLost(), figures.bytesCorrupted(),
                    figures.hashesMatch(), lab.agents.logLines("a", "path MTU"), lab.agents.logLines("b", "path MTU"));
            System.out.println(report);
            assertAll(
                    () -> assertEquals("survived", figures.verdict().label(), report),
                    () -> assertEquals(0, figures.bytesLost(), report),
                    () -> assertEquals(0, figures.bytesCorrupted(), report),
                    () -> assertEquals(Boolean.TRUE, figures.hashesMatch(), "every byte both ways: " + report));
        }
    }

    private static int mtu(RoamingWithAgents lab, String host) {
        Matcher mtu = Pattern.compile(" mtu (\\d+) ").matcher(lab.lab.run(host, "ip", "link", "show", "sacip0"));
        return mtu.find() ? Integer.parseInt(mtu.group(1)) : -1;
    }
}
