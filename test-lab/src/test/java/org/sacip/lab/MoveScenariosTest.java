package org.sacip.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Set;
import org.junit.jupiter.api.Test;
import org.sacip.lab.move.MovePattern;
import org.sacip.lab.scenario.Scenario;
import org.sacip.lab.scenario.ScenarioResult;
import org.sacip.lab.topology.Family;
import org.sacip.lab.topology.TopologyKind;
import org.sacip.lab.traffic.TrafficKind;

/**
 * The move patterns with live traffic and no agents: what plain Linux does. A connection whose address is gone
 * stalls; one whose address comes back recovers, after a gap as long as the time away.
 */
class MoveScenariosTest {
    private static final Set<String> DEAD = Set.of("stalled", "reset");

    private static ScenarioResult run(String name, TopologyKind topology, Family family, TrafficKind traffic,
            MovePattern moves) {
        return LabScenarios.run(Scenario.of(name, topology, family, traffic, moves, false).withTimes(500, 2000));
    }

    @Test
    void breakBeforeMakeOverIpv6Stalls() {
        ScenarioResult r = run("bbm-ipv6-no-agent", TopologyKind.ROAMING, Family.IPV6, TrafficKind.GAP,
                MovePattern.BREAK_BEFORE_MAKE);
        assertTrue(DEAD.contains(r.verdict()), r.toString());
        assertTrue(r.clientStartTuple().startsWith("[2001:db8:1::2]:"), r.clientStartTuple());
    }

    @Test
    void interfaceDownWithAddressLeftStalls() {
        ScenarioResult r = run("down-left-no-agent", TopologyKind.ROAMING, Family.IPV4, TrafficKind.GAP,
                MovePattern.DOWN_ADDRESS_LEFT);
        assertTrue(DEAD.contains(r.verdict()), r.toString());
    }

    @Test
    void peerMovingTooStalls() {
        ScenarioResult r = run("peer-moves-no-agent", TopologyKind.BOTH_ROAMING, Family.IPV4, TrafficKind.GAP,
                MovePattern.PEER_MOVES_TOO);
        assertTrue(DEAD.contains(r.verdict()), r.toString());
        assertEquals(2, r.moveResults().size());
        assertEquals("b", r.moveResults().get(1).move().host());
    }

    @Test
    void moveAndBackRecoversOnlyAfterTheTimeAway() {
        ScenarioResult r = run("move-and-back-no-agent", TopologyKind.ROAMING, Family.IPV4, TrafficKind.GAP,
                MovePattern.MOVE_AND_BACK);
        // Back on its old address, plain TCP retransmits into the restored path: nothing lost, but the first move's
        // gap spans the whole time away (1.5 s between the moves).
        assertEquals(0, r.bytesCorrupted());
        assertEquals(r.clientStartTuple(), r.clientEndTuple());
        assertTrue(r.moveResults().get(0).gapMs() >= 1000, r.toString());
    }

    @Test
    void flappingUdpLosesDatagrams() {
        ScenarioResult r = run("flapping-udp-no-agent", TopologyKind.ROAMING, Family.IPV4, TrafficKind.UDP,
                MovePattern.FLAPPING);
        assertEquals(6, r.moveResults().size());
        assertFalse(r.survived(), r.toString());
        assertTrue(r.bytesLost() > 0 || r.sendErrors() > 0, r.toString());
    }

    @Test
    void manyConnectionsAllStallOnTheMove() {
        ScenarioResult r = LabScenarios.run(Scenario.of("many-mbb-no-agent", TopologyKind.ROAMING, Family.IPV4,
                TrafficKind.MANY, MovePattern.MAKE_BEFORE_BREAK, false).withTimes(500, 2000).withConnections(200));
        assertTrue(DEAD.contains(r.verdict()), r.toString());
        assertEquals(200, r.client().connections());
    }
}
