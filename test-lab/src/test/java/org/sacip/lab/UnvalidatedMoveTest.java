package org.sacip.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.sacip.lab.agent.AgentControl;
import org.sacip.lab.agent.AgentSession;
import org.sacip.lab.agent.Agents;
import org.sacip.lab.agent.ProjectRoot;
import org.sacip.lab.move.MoveKind;
import org.sacip.lab.move.MoveStep;
import org.sacip.lab.move.Mover;
import org.sacip.lab.topology.Family;
import org.sacip.lab.topology.Topology;
import org.sacip.lab.topology.TopologyBuilder;
import org.sacip.lab.topology.TopologyKind;
import org.sacip.lab.traffic.Endpoint;
import org.sacip.lab.traffic.TrafficKind;
import org.sacip.testing.Eventually;

/**
 * A move whose new address cannot be validated (the router drops every SACIP message from it, over ICMP and over
 * UDP, as a filter in the path would): A's update is never confirmed, so after its retransmissions (about 30 s) the
 * session goes on as without an agent, shows state refused, and nothing was redirected or reset on B.
 */
class UnvalidatedMoveTest {
    private static final Duration GIVE_UP = Duration.ofSeconds(45);

    @Test
    void anUnconfirmedMoveIsRefusedVisiblyAndRedirectsNothing() throws Exception {
        Path root = ProjectRoot.find();
        try (Lab lab = new Lab()) {
            Topology topology = TopologyBuilder.build(lab, TopologyKind.ROAMING, Family.IPV4);
            Agents agents = Agents.startIfPresent(lab, root, List.of("a", "b"));
            assertTrue(agents.running(), agents.note());
            AgentControl controlA = agents.control("a");
            AgentControl controlB = agents.control("b");
            Endpoint server = Endpoint.start(lab, "b", TrafficKind.GAP, true, Map.of("listen", "198.18.10.2:5001",
                    "count", "1"));
            server.await("ready", 60_000);
            Endpoint client = Endpoint.start(lab, "a", TrafficKind.GAP, false, Map.of("bind", "198.18.1.2",
                    "connect", "198.18.10.2:5001", "count", "1"));
            client.await("connected", 60_000);
            Eventually.await(Duration.ofSeconds(15), () -> agents.keyAgreed("a") && agents.keyAgreed("b"),
                    () -> "a key agreed between the agents");

            // Every SACIP message from A's new address dies at the router: over ICMP and over UDP to the agent port.
            lab.run("r", "nft", "add table ip cut; add chain ip cut through { type filter hook forward priority 0; }; "
                    + "add rule ip cut through ip saddr 198.18.2.2 icmp type 253 drop; "
                    + "add rule ip cut through ip saddr 198.18.2.2 udp dport 4253 drop");
            new Mover(topology).move(new MoveStep("a", 0, 1, MoveKind.MAKE_BEFORE_BREAK, 0));

            List<AgentSession> sessions = Eventually.await(GIVE_UP, controlA::sessions,
                    list -> list.size() == 1 && list.get(0).state().equals("refused"),
                    () -> "A's session to end refused, the reason visible");
            assertEquals("198.18.1.2:" + sessions.get(0).local().split(":")[1], sessions.get(0).activeLocal(),
                    "as without an agent: the original address on the wire");
            assertTrue(controlB.sessions().stream().noneMatch(AgentSession::remapped),
                    "B followed a move it never validated: " + controlB.sessions());
            String log = agents.logTail("a");
            assertTrue(log.contains("did not confirm the move"), log);
        }
    }
}
