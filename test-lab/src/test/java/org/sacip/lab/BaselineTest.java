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
 * The honest baseline: without agents, the roaming move kills the stream and the lab says so; without a move, the
 * same stream survives with nothing lost. Agents are switched off on purpose so this holds after the agent exists.
 */
class BaselineTest {
    @Test
    void streamWithoutMoveSurvivesWithNothingLost() {
        ScenarioResult r = LabScenarios.run(Scenario.of("baseline-no-move", TopologyKind.ROAMING, Family.IPV4,
                TrafficKind.GAP, MovePattern.NONE, false));
        assertEquals("survived", r.verdict(), r.toString());
        assertTrue(r.survived());
        assertEquals(0, r.bytesLost());
        assertEquals(0, r.bytesCorrupted());
        assertTrue(r.bytesReceived() > 0);
        assertEquals(r.clientStartTuple(), r.clientEndTuple());
        assertTrue(r.clientStartTuple().startsWith("198.18.1.2:"), r.clientStartTuple());
    }

    @Test
    void roamingWithoutAgentIsReportedStalledOrReset() {
        ScenarioResult r = LabScenarios.run(Scenario.of("baseline-roaming-no-agent", TopologyKind.ROAMING, Family.IPV4,
                TrafficKind.GAP, MovePattern.MAKE_BEFORE_BREAK, false));
        assertFalse(r.survived(), r.toString());
        assertFalse(r.agents());
        assertTrue(Set.of("stalled", "reset").contains(r.verdict()), r.verdict());
        assertTrue(r.bytesLost() > 0 || r.failure() != null, r.toString());
        assertEquals(1, r.moveResults().size());
        // The silence began around the move and lasted to the end of the run.
        assertTrue(r.moveResults().get(0).gapMs() >= 1000, r.toString());
        var gap = r.moveResults().get(0).gap();
        var move = r.moveResults().get(0).move();
        assertTrue(gap.open(), "still silent at the end: " + gap);
        assertTrue(gap.startMs() <= move.endMs() && gap.startMs() >= move.startMs() - 1000,
                "the silence starts with the move: " + gap + " vs " + move);
    }
}
