package org.sacip.lab.attack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import org.sacip.lab.Lab;
import org.sacip.lab.agent.AgentControl;
import org.sacip.lab.agent.Agents;
import org.sacip.lab.agent.ProjectRoot;
import org.sacip.lab.topology.Family;
import org.sacip.lab.topology.Topology;
import org.sacip.lab.topology.TopologyBuilder;
import org.sacip.lab.topology.TopologyKind;

/**
 * The attackers' topology with agents in A and B and a verified stream (counters both ways, checked in order) from
 * A's address X (its first uplink; Y is on its second) to B's service, bound to a key on both ends.
 */
record BoundStream(Topology topology, InetAddress x, InetAddress y, InetAddress b, Agents agents,
        AgentControl controlA, AgentControl controlB, VerifiedStream stream, String local, String service,
        String moved) {
    static final int SERVICE_PORT = 5001;
    private static final long BOUND_LIMIT_MS = 15_000;
    private static final Duration STOP_LIMIT = Duration.ofSeconds(15);

    static BoundStream open(Lab lab, Family family) throws Exception {
        Topology topology = TopologyBuilder.build(lab, TopologyKind.ATTACKERS, family);
        InetAddress x = Addresses.of(family, 1, 2);
        InetAddress y = Addresses.of(family, 2, 2);
        InetAddress b = Addresses.of(family, 10, 2);
        Agents agents = Agents.startIfPresent(lab, ProjectRoot.find(), List.of("a", "b"));
        assertTrue(agents.running(), agents.note());
        VerifiedStream stream = VerifiedStream.open(lab, "a", x, "b", new InetSocketAddress(b, SERVICE_PORT));
        PeerKeys.await(agents, "a", b);
        PeerKeys.await(agents, "b", x);
        BoundStream bound = new BoundStream(topology, x, y, b, agents, agents.control("a"), agents.control("b"),
                stream, Addresses.endpoint(x, stream.clientPort()), Addresses.endpoint(b, SERVICE_PORT),
                Addresses.endpoint(y, stream.clientPort()));
        bound.awaitBound("a", "A's agent");
        bound.awaitBound("b", "B's agent");
        return bound;
    }

    /** Stops the host's agent (SIGTERM, as systemd does) and starts it again on the same state. */
    void restart(String host) {
        assertEquals(0, agents.stop(host, STOP_LIMIT), host + "'s agent's exit status");
        agents.restart(host);
    }

    /** Waits until the host's agent lists the stream bound to a key. */
    void awaitBound(String host, String agent) {
        AgentControl control = host.equals("a") ? controlA : controlB;
        String own = host.equals("a") ? local : service;
        String other = host.equals("a") ? service : local;
        Waits.until(agent + " lists the stream bound to a key", BOUND_LIMIT_MS,
                () -> AgentFacts.session(control, own, other), row -> row.isPresent()
                        && AgentFacts.boundKey(row.get()).isPresent());
    }
}
