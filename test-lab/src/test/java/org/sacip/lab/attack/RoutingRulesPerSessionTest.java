package org.sacip.lab.attack;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.sacip.lab.Lab;
import org.sacip.lab.agent.AgentControl;
import org.sacip.lab.agent.Agents;
import org.sacip.lab.agent.ProjectRoot;
import org.sacip.lab.move.MoveKind;
import org.sacip.lab.move.MoveStep;
import org.sacip.lab.move.Mover;
import org.sacip.lab.topology.Family;
import org.sacip.lab.topology.Topology;
import org.sacip.lab.topology.TopologyBuilder;
import org.sacip.lab.topology.TopologyKind;

/**
 * A peer decides how many connections it has with B, so it must not decide how many routing rules B's kernel
 * walks. A (a keyed peer, with its own agent) opens 200 TCP connections to B from X and moves to Y; once B sends
 * all 200 to Y, and for 3 s after, B holds at most one routing rule more than before the move (one for the address
 * pair, or none).
 */
class RoutingRulesPerSessionTest {
    private static final int CONNECTIONS = 200;
    private static final int PORT = 5005;
    private static final long BIND_LIMIT_MS = 5_000;
    private static final long FOLLOW_LIMIT_MS = 20_000;
    private static final long RULE_WATCH_MS = 3_000;

    @Test
    void aPeerWithManyConnectionsMovingAddsNoRulePerSession() throws Exception {
        Family family = Family.IPV4;
        try (Lab lab = new Lab()) {
            Topology topology = TopologyBuilder.build(lab, TopologyKind.ROAMING, family);
            InetAddress x = Addresses.of(family, 1, 2);
            InetAddress y = Addresses.of(family, 2, 2);
            InetAddress b = Addresses.of(family, 10, 2);
            Agents agents = Agents.startIfPresent(lab, ProjectRoot.find(), List.of("a", "b"));
            assertTrue(agents.running(), agents.note());
            AgentControl controlB = agents.control("b");
            TcpSink.listen(lab, "b", new InetSocketAddress(b, PORT));
            List<InetSocketAddress> from = new ArrayList<>();
            for (int i = 0; i < CONNECTIONS; i++) {
                from.add(new InetSocketAddress(x, 0));
            }
            TcpClients.connect(lab, "a", from, new InetSocketAddress(b, PORT), 20_000);
            PeerKeys.await(agents, "a", b);
            PeerKeys.await(agents, "b", x);
            // Agents that bind sessions to keys get a moment to bind all 200 (those that list no binding do not wait).
            Waits.poll(BIND_LIMIT_MS, () -> AgentFacts.sessions(controlB), rows -> rows.stream()
                    .filter(row -> row.path("key").isTextual()).count() >= CONNECTIONS);
            List<JsonNode> rulesBefore = KernelTables.rules(lab, "b", "-4");

            new Mover(topology).move(new MoveStep("a", 0, 1, MoveKind.MAKE_BEFORE_BREAK, 0));
            String onWire = Addresses.text(y) + ":";
            List<JsonNode> followed = Waits.until("B sends all " + CONNECTIONS + " connections to "
                    + Addresses.text(y), FOLLOW_LIMIT_MS, () -> AgentFacts.sessions(controlB), rows -> rows.stream()
                    .filter(row -> row.path("active_remote").asText().startsWith(onWire)
                            && "active".equals(row.path("state").asText())).count() >= CONNECTIONS);
            // Rules may follow off the handover's critical path: watch for them a while (a bounded look for
            // something that must not happen, not a synchronisation).
            Waits.Outcome<List<JsonNode>> watched = Waits.poll(RULE_WATCH_MS, () -> KernelTables.rules(lab, "b", "-4")
                    .stream().filter(rule -> !rulesBefore.contains(rule)).toList(), rules -> rules.size() > 1);
            List<JsonNode> added = watched.last();
            List<JsonNode> rulesAfter = KernelTables.rules(lab, "b", "-4");
            System.out.printf("routing rules on B: %d before A's move with %d connections, %d after (%d sessions"
                    + " listed active at Y)%n", rulesBefore.size(), CONNECTIONS, rulesAfter.size(), followed.size());
            assertTrue(added.size() <= 1, "A's move of " + CONNECTIONS + " connections added " + added.size()
                    + " routing rules on B, e.g. " + added.subList(0, Math.min(2, added.size())));
        }
    }
}
