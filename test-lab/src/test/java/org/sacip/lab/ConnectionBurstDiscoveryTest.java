package org.sacip.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.sacip.lab.agent.AgentSession;
import org.sacip.lab.agent.Agents;
import org.sacip.lab.agent.ProjectRoot;
import org.sacip.lab.topology.Family;
import org.sacip.lab.topology.Topology;
import org.sacip.lab.topology.TopologyBuilder;
import org.sacip.lab.topology.TopologyKind;
import org.sacip.netlink.NetNamespace;
import org.sacip.testing.ConnectionBurst;
import org.sacip.testing.Eventually;

/**
 * Discovery by kernel events misses nothing in a burst: 20,000 TCP connections from A to B are opened at once (two
 * child processes of 10,000 each, as fast as the kernel takes them; B never accepts, its backlog holds them) while
 * both hosts run their agents, and each agent's session list ({@code sessions} on its control socket, what
 * {@code sacipctl sessions} shows) must come to hold every connection the kernel has, at A and at B. A burst this
 * size overruns event sockets on a busy machine; the agent then re-dumps (the tracker's own test forces that with a
 * frozen reader). Closing the burst's processes closes the connections.
 */
class ConnectionBurstDiscoveryTest {
    private static final int PER_PROCESS = 10_000;
    private static final int PROCESSES = 2;
    private static final int TOTAL = PER_PROCESS * PROCESSES;
    private static final int PORT = 5001;
    private static final Duration CONNECT_LIMIT = Duration.ofSeconds(120);
    private static final Duration FOUND_LIMIT = Duration.ofSeconds(120);
    private static final String MAPPED = "[::ffff:";

    @Test
    void everyConnectionOfABurstOfTwentyThousandIsInBothAgentsSessionLists() throws Exception {
        Path root = ProjectRoot.find();
        try (Lab lab = new Lab()) {
            Topology topology = TopologyBuilder.build(lab, TopologyKind.TWO_HOSTS, Family.IPV4);
            Agents agents = Agents.startIfPresent(lab, root, List.of("a", "b"));
            assertTrue(agents.running(), agents.note());
            // B's backlog holds the whole burst; A's port range has room for it without a slow search.
            lab.run("b", "sysctl", "-q", "-w", "net.core.somaxconn=65535", "net.ipv4.tcp_max_syn_backlog=65535");
            lab.sysctl("a", "net.ipv4.ip_local_port_range", "10000 65535");
            InetAddress b = InetAddress.getByName(topology.uplink("b", 0).address());
            try (ServerSocket listener = NetNamespace.named(lab.ns("b")).call(() -> new ServerSocket(PORT, 65535, b));
                    ConnectionBurst burst = ConnectionBurst.start(lab.ns("a"),
                            (InetSocketAddress) listener.getLocalSocketAddress(), PROCESSES, PER_PROCESS, false)) {
                long start = System.nanoTime();
                burst.awaitConnected(CONNECT_LIMIT);
                double connected = (System.nanoTime() - start) / 1e9;
                Set<String> atA = established(lab, "a", "dport = :" + PORT);
                Set<String> atB = established(lab, "b", "sport = :" + PORT);
                assertEquals(TOTAL, atA.size(), "A's kernel holds every connection of the burst");
                assertEquals(atA.stream().map(ConnectionBurstDiscoveryTest::reversed).collect(Collectors.toSet()), atB,
                        "B's kernel holds the same connections");
                awaitListed(agents, "a", atA);
                double listedAtA = (System.nanoTime() - start) / 1e9;
                awaitListed(agents, "b", atB);
                System.out.printf("burst of %d connections: open after %.1f s, all listed by A's agent after %.1f s,"
                        + " by B's after %.1f s%n", TOTAL, connected, listedAtA, (System.nanoTime() - start) / 1e9);
            }
        }
    }

    /** Waits until the agent lists every one of the kernel's connections; fails naming how many and one missing. */
    private static void awaitListed(Agents agents, String host, Set<String> kernel) {
        AtomicReference<Set<String>> missing = new AtomicReference<>(kernel);
        AtomicReference<String> refused = new AtomicReference<>("none");
        Eventually.await(FOUND_LIMIT, () -> {
            try {
                missing.set(missing(agents, host, kernel));
            } catch (LabException busy) {
                // An agent busy with the burst's 20,000 claims may answer a list this long only after its 10 s limit.
                refused.set(busy.getMessage());
                return false;
            }
            return missing.get().isEmpty();
        }, () -> "every one of the " + kernel.size() + " connections in " + host + "'s session list; missing "
                + missing.get().size() + ", e.g. " + missing.get().stream().findFirst().orElse("none")
                + "; last refusal: " + refused.get() + "; " + host + "'s log:\n" + agents.logTail(host));
    }

    private static Set<String> missing(Agents agents, String host, Set<String> kernel) {
        Set<String> listed = new HashSet<>();
        for (AgentSession session : agents.control(host).sessions()) {
            if (session.proto().equals("tcp")) {
                listed.add(session.local() + " " + session.remote());
            }
        }
        Set<String> missing = new HashSet<>(kernel);
        missing.removeAll(listed);
        return missing;
    }

    /** The host's established TCP connections matching the ss filter, as "local remote". */
    private static Set<String> established(Lab lab, String host, String filter) {
        Set<String> tuples = new HashSet<>();
        for (String line : lab.run(host, "ss", "-Htn", "state", "established", filter).split("\n")) {
            String[] fields = line.trim().split("\\s+");
            if (fields.length >= 4) {
                tuples.add(unmapped(fields[2]) + " " + unmapped(fields[3]));
            }
        }
        return tuples;
    }

    /** Java's sockets are IPv6 ones: ss shows their IPv4 ends as [::ffff:A]:P, the agent as A:P. */
    private static String unmapped(String endpoint) {
        return endpoint.startsWith(MAPPED) ? endpoint.substring(MAPPED.length()).replace("]:", ":") : endpoint;
    }

    private static String reversed(String tuple) {
        String[] ends = tuple.split(" ");
        return ends[1] + " " + ends[0];
    }
}
