package org.sacip.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.sacip.lab.scenario.ScenarioResult;

/**
 * The acceptance bar every agent scenario must clear: same connection, nothing lost or corrupted, flowing at the end.
 * How long the gaps were is a figure (printed; benchmarks measure it), not a pass mark: on a loaded machine one lost
 * segment costs TCP a backed-off retransmission timer of seconds. Public (in test-lab's test jar) for the packaging
 * module's test of the installed agent.
 */
public final class SurvivalAssertions {

    private SurvivalAssertions() {
    }

    public static void assertAgentsRan(ScenarioResult r) {
        assertTrue(r.agents(), "agents did not run: " + r.agentNote());
    }

    public static void assertSurvivedIntact(ScenarioResult r) {
        assertAgentsRan(r);
        String figures = r.scenario() + ": verdict " + r.verdict() + ", failure " + r.failure() + ", max gap "
                + r.maxGapMs() + " ms, lost " + r.bytesLost() + " of " + r.bytesSent() + ", corrupted "
                + r.bytesCorrupted() + ", tuple " + r.clientStartTuple() + " -> " + r.clientEndTuple()
                + ", sessions " + r.sessions();
        assertEquals("survived", r.verdict(), figures);
        assertEquals(r.clientStartTuple(), r.clientEndTuple(), figures);
        assertEquals(0, r.bytesLost(), figures);
        assertEquals(0, r.bytesCorrupted(), figures);
        assertTrue(r.bytesReceived() > 0, figures);
        System.out.println("  " + r.scenario() + ": survived, max gap " + r.maxGapMs() + " ms");
    }
}
