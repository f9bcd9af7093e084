package org.sacip.lab.scenario;

import java.util.ArrayList;
import java.util.List;
import org.sacip.lab.move.MovePattern;
import org.sacip.lab.topology.Family;
import org.sacip.lab.topology.TopologyKind;
import org.sacip.lab.traffic.TrafficKind;

/**
 * One scenario: a topology, one traffic stream A->B, a move pattern, with or without agents. leadMs of traffic come
 * before the first move, settleMs after the last, so a recovering connection has time to show it. agentHosts are
 * the hosts that get an agent when agents are wanted; beforeStream actions run once the lab and its agents are up,
 * before the stream opens; afterMoves actions run after the last move, before the settle time; afterStream actions
 * run once the stream's figures are in, before the lab is torn down (to stop an agent and look at what it left).
 */
public record Scenario(String name, TopologyKind topology, Family family, TrafficKind traffic, MovePattern moves,
        boolean agents, int connections, long leadMs, long settleMs, List<String> agentHosts,
        List<ScenarioAction> beforeStream, List<ScenarioAction> afterMoves, List<ScenarioAction> afterStream) {

    public static final long AGENT_LEAD_MS = 3000;

    public Scenario {
        agentHosts = List.copyOf(agentHosts);
        beforeStream = List.copyOf(beforeStream);
        afterMoves = List.copyOf(afterMoves);
        afterStream = List.copyOf(afterStream);
    }

    public static Scenario of(String name, TopologyKind topology, Family family, TrafficKind traffic, MovePattern moves,
            boolean agents) {
        // With agents, the stream lives long enough before the move for keys to be agreed (sessions of 1 s or more,
        // found by a scan each second): a move sooner is handled as one with a peer of unknown capability.
        return new Scenario(name, topology, family, traffic, moves, agents, 100, agents ? AGENT_LEAD_MS : 1000, 2500,
                List.of("a", "b"), List.of(), List.of(), List.of());
    }

    public Scenario withConnections(int count) {
        return new Scenario(name, topology, family, traffic, moves, agents, count, leadMs, settleMs, agentHosts,
                beforeStream, afterMoves, afterStream);
    }

    public Scenario withTimes(long lead, long settle) {
        return new Scenario(name, topology, family, traffic, moves, agents, connections, lead, settle, agentHosts,
                beforeStream, afterMoves, afterStream);
    }

    /** Agents in these hosts only (for a peer without an agent); the others run plain Linux. */
    public Scenario withAgentsIn(String... hosts) {
        return new Scenario(name, topology, family, traffic, moves, agents, connections, leadMs, settleMs,
                List.of(hosts), beforeStream, afterMoves, afterStream);
    }

    public Scenario beforeStream(ScenarioAction action) {
        return new Scenario(name, topology, family, traffic, moves, agents, connections, leadMs, settleMs, agentHosts,
                appended(beforeStream, action), afterMoves, afterStream);
    }

    public Scenario afterMoves(ScenarioAction action) {
        return new Scenario(name, topology, family, traffic, moves, agents, connections, leadMs, settleMs, agentHosts,
                beforeStream, appended(afterMoves, action), afterStream);
    }

    public Scenario afterStream(ScenarioAction action) {
        return new Scenario(name, topology, family, traffic, moves, agents, connections, leadMs, settleMs, agentHosts,
                beforeStream, afterMoves, appended(afterStream, action));
    }

    private static List<ScenarioAction> appended(List<ScenarioAction> actions, ScenarioAction action) {
        List<ScenarioAction> all = new ArrayList<>(actions);
        all.add(action);
        return all;
    }
}
