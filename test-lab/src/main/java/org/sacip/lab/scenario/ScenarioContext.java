package org.sacip.lab.scenario;

import org.sacip.lab.Lab;
import org.sacip.lab.agent.Agents;
import org.sacip.lab.move.Mover;
import org.sacip.lab.topology.Topology;

/** What a scenario's actions can reach while the stream runs: the lab, its topology, its agents and a mover. */
public record ScenarioContext(Lab lab, Topology topology, Agents agents, Mover mover) {
}
