package org.sacip.lab;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.sacip.lab.agent.AgentPeer;
import org.sacip.lab.agent.AgentSession;
import org.sacip.lab.move.MoveKind;
import org.sacip.lab.move.MoveStep;
import org.sacip.lab.scenario.Scenario;
import org.sacip.lab.scenario.ScenarioAction;
import org.sacip.lab.scenario.ScenarioRunner;

/** The scenario actions of the acceptance tests, each one short shell-level step inside the lab's hosts. */
final class LabActions {
    private LabActions() {
    }

    static ScenarioAction pause(long ms) {
        return new ScenarioAction("waiting " + ms + " ms", c -> {
            try {
                Thread.sleep(ms);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted", e);
            }
        });
    }

    /**
     * A typical host firewall: input dropped unless part of a known connection, loopback or ICMP; the server host
     * also lets the stream's port in. Installed before the stream opens, so the stream is a tracked connection.
     */
    static ScenarioAction statefulFirewall(String host, boolean serverPort) {
        String script = "add table inet fw; "
                + "add chain inet fw input { type filter hook input priority filter; policy drop; }; "
                + "add rule inet fw input ct state established,related accept; "
                + "add rule inet fw input iif lo accept; "
                + "add rule inet fw input meta l4proto { icmp, ipv6-icmp } accept"
                + (serverPort ? "; add rule inet fw input tcp dport " + ScenarioRunner.PORT + " accept" : "");
        return new ScenarioAction("drop-by-default stateful firewall (table inet fw) in " + host,
                c -> c.lab().run(host, "nft", script));
    }

    /** Flushes every nft table of the hosts, the agent's included, and records how long until each has it back. */
    static ScenarioAction flushRulesetAndTimeRestore(List<String> hosts, long limitMs,
            Observed<List<Waited<Boolean>>> restores) {
        return new ScenarioAction("nft flush ruleset in " + String.join(" and ", hosts), c -> {
            for (String host : hosts) {
                c.lab().run(host, "nft", "flush ruleset");
            }
            restores.set(hosts.stream()
                    .map(host -> AgentWaits.until(() -> HostTables.has(c.lab(), host, "inet", "sacip"), b -> b, limitMs))
                    .toList());
        });
    }

    static ScenarioAction killAgents(List<String> hosts) {
        return new ScenarioAction("kill -9 the agents in " + String.join(" and ", hosts),
                c -> hosts.forEach(c.agents()::killHard));
    }

    static ScenarioAction restartAgents(List<String> hosts) {
        return new ScenarioAction("restarting the agents in " + String.join(" and ", hosts) + " (same state dirs)",
                c -> hosts.forEach(c.agents()::restart));
    }

    /** Records what each host's agent says about its peers (capability, key) at this point of the run. */
    static ScenarioAction recordPeers(List<String> hosts, Observed<Map<String, List<AgentPeer>>> into) {
        return new ScenarioAction("asking the agents in " + String.join(" and ", hosts) + " about their peers", c -> {
            Map<String, List<AgentPeer>> peers = new LinkedHashMap<>();
            hosts.forEach(host -> peers.put(host, c.agents().control(host).peers()));
            into.set(peers);
        });
    }

    /**
     * After the scenario's move: both agents killed with SIGKILL and restarted from their state dirs, A's moved
     * session awaited in state active (into {@code resumed}), the lead fresh agents get, the peers recorded (into
     * {@code peers}), then a second move of A back to its first uplink.
     */
    static Scenario killRestartAndMoveBack(Scenario scenario, Observed<Waited<List<AgentSession>>> resumed,
            Observed<Map<String, List<AgentPeer>>> peers) {
        List<String> both = List.of("a", "b");
        return scenario.afterMoves(pause(1000))
                .afterMoves(killAgents(both))
                .afterMoves(restartAgents(both))
                // Up to 30 s: a restart under load (CI, parallel builds) took more than the 5 s allowed before, and
                // a move made while the session is still pending loses it, as it would without an agent.
                .afterMoves(AgentWaits.watchSessions("the moved session resumed", "a", AgentWaits.anyInState("active"),
                        30_000, resumed))
                // The restarted agents get the lead fresh agents get before a first move.
                .afterMoves(pause(Scenario.AGENT_LEAD_MS))
                .afterMoves(recordPeers(both, peers))
                .afterMoves(makeBeforeBreak("a", 1, 0));
    }

    static ScenarioAction makeBeforeBreak(String host, int fromUplink, int toUplink) {
        return new ScenarioAction("moving " + host + " from uplink " + (fromUplink + 1) + " to uplink " + (toUplink + 1)
                + " (make-before-break)",
                c -> c.mover().move(new MoveStep(host, fromUplink, toUplink, MoveKind.MAKE_BEFORE_BREAK, 0)));
    }
}
