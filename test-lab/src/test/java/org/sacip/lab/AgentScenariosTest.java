package org.sacip.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.sacip.lab.SurvivalAssertions.assertAgentsRan;
import static org.sacip.lab.SurvivalAssertions.assertSurvivedIntact;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.sacip.lab.agent.AgentPeer;
import org.sacip.lab.agent.AgentSession;
import org.sacip.lab.cli.LabCli;
import org.sacip.lab.move.MovePattern;
import org.sacip.lab.scenario.Scenario;
import org.sacip.lab.scenario.ScenarioResult;
import org.sacip.lab.topology.Family;
import org.sacip.lab.topology.TopologyKind;
import org.sacip.lab.traffic.TrafficKind;

/**
 * Issue 5 acceptance: the moves of MoveScenariosTest again, now with agents, and the connection must live through
 * them: same tuple at start and end, nothing lost or corrupted, no silence of 2 s or more. Each test builds its own
 * lab; the figures of every run are printed as a table.
 */
class AgentScenariosTest {
    private static final List<String> BOTH = List.of("a", "b");

    private static Scenario withAgents(String name, TopologyKind topology, Family family, TrafficKind traffic,
            MovePattern moves) {
        return Scenario.of(name, topology, family, traffic, moves, true);
    }

    private static Scenario roamingMbb(String name) {
        return withAgents(name, TopologyKind.ROAMING, Family.IPV4, TrafficKind.GAP, MovePattern.MAKE_BEFORE_BREAK);
    }

    // 1. Make-before-break across uplinks.

    @Test
    void makeBeforeBreakOverIpv4Survives() {
        assertSurvivedIntact(LabScenarios.run(roamingMbb("agents-mbb-ipv4")));
    }

    @Test
    void makeBeforeBreakOverIpv6WithDadSurvives() {
        // A longer settle: the new address is tentative for a second or two, and a slow recovery should show as a
        // long gap rather than as a stall cut short by the end of the run.
        ScenarioResult r = LabScenarios.run(withAgents("agents-mbb-ipv6-dad", TopologyKind.ROAMING, Family.IPV6_DAD,
                TrafficKind.GAP, MovePattern.MAKE_BEFORE_BREAK).withTimes(Scenario.AGENT_LEAD_MS, 5000));
        assertSurvivedIntact(r);
        assertTrue(r.clientStartTuple().startsWith("[2001:db8:1::2]:"), r.clientStartTuple());
    }

    // 2. Break-before-make, and an uplink set down with its address left on it.

    @Test
    void breakBeforeMakeSurvives() {
        assertSurvivedIntact(LabScenarios.run(withAgents("agents-bbm-ipv4", TopologyKind.ROAMING, Family.IPV4,
                TrafficKind.GAP, MovePattern.BREAK_BEFORE_MAKE)));
    }

    @Test
    void interfaceDownWithAddressLeftSurvives() {
        assertSurvivedIntact(LabScenarios.run(withAgents("agents-down-left-ipv4", TopologyKind.ROAMING, Family.IPV4,
                TrafficKind.GAP, MovePattern.DOWN_ADDRESS_LEFT)));
    }

    // 3. The peer moves too, after A.

    @Test
    void peerMovingTooSurvives() {
        ScenarioResult r = LabScenarios.run(withAgents("agents-peer-moves-ipv4", TopologyKind.BOTH_ROAMING,
                Family.IPV4, TrafficKind.GAP, MovePattern.PEER_MOVES_TOO));
        assertSurvivedIntact(r);
        assertEquals("b", r.moveResults().get(1).move().host());
    }

    // 4. Move and back home: once home, nothing is remapped any more.

    @Test
    void moveAndBackSurvivesAndLeavesNoRemapping() {
        Observed<Waited<List<AgentSession>>> home = new Observed<>();
        ScenarioResult r = LabScenarios.run(withAgents("agents-move-and-back-ipv4", TopologyKind.ROAMING, Family.IPV4,
                TrafficKind.GAP, MovePattern.MOVE_AND_BACK)
                .afterMoves(AgentWaits.watchSessions("no remapped session", "a",
                        list -> list.stream().noneMatch(AgentSession::remapped), 5000, home)));
        assertSurvivedIntact(r);
        assertTrue(home.get().met(), "A still lists remapped sessions 5 s after coming home: " + home.get().last());
    }

    // 5. A UDP flow.

    @Test
    void udpFlowSurvivesMakeBeforeBreak() {
        ScenarioResult r = LabScenarios.run(withAgents("agents-mbb-udp", TopologyKind.ROAMING, Family.IPV4,
                TrafficKind.UDP, MovePattern.MAKE_BEFORE_BREAK));
        // UDP has no retransmission: the datagrams B sends to A's old uplink between its loss and B's switch (the
        // handover) are gone, as on any path change. The flow itself must go on, on its original tuple, with
        // nothing corrupted and little lost. How long it was silent is a speed figure, printed and not asserted: on a
        // loaded machine a bound on it would make the test a coin toss (the TCP gap benchmarks are in docs/BENCHMARKS.md).
        SurvivalAssertions.assertAgentsRan(r);
        assertTrue(r.verdict().equals("survived") || r.verdict().equals("lossy"), r.toString());
        assertEquals(r.clientStartTuple(), r.clientEndTuple(), r.toString());
        assertEquals(0, r.bytesCorrupted(), r.toString());
        System.out.println("  UDP flow silent for at most " + r.maxGapMs() + " ms");
        assertTrue(r.bytesLost() * 20 < r.bytesSent(), "more than 5% of the UDP flow lost: " + r);
    }

    // 6. Someone flushes the whole ruleset on both hosts after the move.

    @Test
    void flushedRulesetIsRestoredAndTheStreamSurvives() {
        Observed<List<Waited<Boolean>>> restores = new Observed<>();
        ScenarioResult r = LabScenarios.run(roamingMbb("agents-mbb-nft-flush")
                .afterMoves(LabActions.pause(1000))
                .afterMoves(LabActions.flushRulesetAndTimeRestore(BOTH, 10_000, restores)));
        System.out.println("  table inet sacip back after (ms) in a, b: "
                + restores.get().stream().map(w -> w.met() ? Long.toString(w.afterMs()) : "never").toList());
        assertSurvivedIntact(r);
        for (Waited<Boolean> restore : restores.get()) {
            assertTrue(restore.met(), "table inet sacip not back 10 s after nft flush ruleset");
        }
    }

    // 7. Both agents die by SIGKILL after a first move and come back from their state dirs; then a second move.

    @Test
    void agentsKilledAndRestartedBetweenMovesKeepTheStream() {
        Observed<Waited<List<AgentSession>>> resumed = new Observed<>();
        Observed<Map<String, List<AgentPeer>>> peers = new Observed<>();
        ScenarioResult r = LabScenarios.run(LabActions.killRestartAndMoveBack(roamingMbb("agents-kill9-restart"),
                resumed, peers));
        String restart = "after the restart: A's sessions " + resumed.get().last() + " (resumed: "
                + resumed.get().met() + "); peers before the second move " + peers.get();
        System.out.println("  " + restart);
        assertTrue(resumed.get().met(), restart);
        assertSurvivedIntact(r);
    }

    // 8. The peer has no agent: never worse than without ours.

    @Test
    void peerWithoutAgentIsNoWorseThanNoAgentAtAll() {
        Observed<Waited<List<AgentSession>>> legacy = new Observed<>();
        Scenario agentOnA = roamingMbb("agent-on-a-only-mbb").withAgentsIn("a")
                .afterMoves(AgentWaits.watchSessions("a legacy session", "a", AgentWaits.anyInState("legacy"), 8000,
                        legacy));
        ScenarioResult ours = LabScenarios.run(agentOnA);
        ScenarioResult plain = LabScenarios.run(Scenario.of("no-agent-mbb-same-times", TopologyKind.ROAMING,
                Family.IPV4, TrafficKind.GAP, MovePattern.MAKE_BEFORE_BREAK, false)
                .withTimes(agentOnA.leadMs(), agentOnA.settleMs()));
        assertAgentsRan(ours);
        assertNotEquals("reset", ours.verdict(), "our agent alone got the connection reset: " + ours.failure());
        assertNotEquals("reset", plain.verdict(), "plain Linux reset the connection: " + plain.failure());
        assertEquals(plain.verdict(), ours.verdict(), "with our agent on A only vs no agent");
        assertTrue(legacy.get().met(), "A's agent did not mark the session legacy: " + legacy.get().last());
    }

    // 9. A stateful, drop-by-default firewall on both hosts.

    @Test
    void statefulHostFirewallsDoNotBreakTheMove() {
        assertSurvivedIntact(LabScenarios.run(roamingMbb("agents-mbb-host-firewalls")
                .beforeStream(LabActions.statefulFirewall("a", false))
                .beforeStream(LabActions.statefulFirewall("b", true))));
    }

    // The README's demo, as its --json prints it.

    @Test
    void demoJsonReportsSurvivalWithNothingLost() throws Exception {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = LabCli.execute(new String[] {"demo", "--json"}, new PrintWriter(out, true), new PrintWriter(err, true));
        System.out.println(err);
        System.out.println(out);
        assertEquals(0, code, err.toString());
        JsonNode demo = new ObjectMapper().readTree(out.toString());
        assertTrue(demo.path("agents").asBoolean(), demo.toString());
        assertTrue(demo.path("survived").asBoolean(), demo.toString());
        assertEquals("survived", demo.path("verdict").asText(), demo.toString());
        assertEquals(0, demo.path("bytes_lost").asLong(-1), demo.toString());
        assertEquals(0, demo.path("bytes_corrupted").asLong(-1), demo.toString());
        assertTrue(demo.path("bytes_sent").asLong() > 0, demo.toString());
        assertEquals(demo.path("tuple_start").asText(), demo.path("tuple_end").asText(), demo.toString());
    }
}
