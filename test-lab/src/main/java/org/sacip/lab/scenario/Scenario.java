package org.sacip.lab.scenario;

import org.sacip.lab.move.MovePattern;
import org.sacip.lab.topology.Family;
import org.sacip.lab.topology.TopologyKind;
import org.sacip.lab.traffic.TrafficKind;

/**
 * One scenario: a topology, one traffic stream A->B, a move pattern, with or without agents. leadMs of traffic come
 * before the first move, settleMs after the last, so a recovering connection has time to show it.
 */
public record Scenario(String name, TopologyKind topology, Family family, TrafficKind traffic, MovePattern moves,
        boolean agents, int connections, long leadMs, long settleMs) {

    public static final long AGENT_LEAD_MS = 3000;

    public static Scenario of(String name, TopologyKind topology, Family family, TrafficKind traffic, MovePattern moves,
            boolean agents) {
        // With agents, the stream lives long enough before the move for keys to be agreed (sessions of 1 s or more,
        // found by a scan each second): a move sooner is handled as one with a peer of unknown capability.
        return new Scenario(name, topology, family, traffic, moves, agents, 100, agents ? AGENT_LEAD_MS : 1000, 2500);
    }

    public Scenario withConnections(int count) {
        return new Scenario(name, topology, family, traffic, moves, agents, count, leadMs, settleMs);
    }

    public Scenario withTimes(long lead, long settle) {
        return new Scenario(name, topology, family, traffic, moves, agents, connections, lead, settle);
    }
}
