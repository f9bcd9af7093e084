package org.sacip.lab.bench;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.sacip.lab.Lab;
import org.sacip.lab.agent.Agents;
import org.sacip.lab.topology.Topology;
import org.sacip.lab.traffic.Endpoint;
import org.sacip.lab.traffic.ManyConnections;
import org.sacip.lab.traffic.TrafficKind;

/**
 * Many TCP sessions from A to B, all bound to keys: B gets one address per peer on its uplink (198.18.10.2, .3,
 * ...), one wildcard ManyConnections server takes them all, and A opens sessions/peers sessions to each address
 * (ManyConnections clients of up to 25,000 connections, each taking its share of the peers in turn; the kernel picks
 * the source address and port). Each session sends a counter every max(100 ms, sessions/10 ms). Above 10,000
 * sessions the endpoints' JVMs run under prlimit with more file descriptors than the lab's own limit.
 */
final class ManySessions {
    static final int PORT = 5001;
    private static final int PER_PROCESS = 25_000;
    private static final int DESCRIPTORS = 262_144;
    private static final long START_LIMIT_MS = 600_000;
    private static final long BOUND_LIMIT_MS = 900_000;

    private ManySessions() {
    }

    /** Opens the sessions and returns once A's agent has bound them all; the commands go into {@code commands}. */
    static void open(BenchContext ctx, String what, Topology topology, Agents agents, BenchPlan.Scale scale,
            List<String> commands) {
        int sessions = scale.sessions();
        int peers = scale.peers();
        if (sessions % peers != 0) {
            throw new IllegalArgumentException("sessions must be a multiple of peers: " + scale);
        }
        Lab lab = topology.lab();
        List<String> peerAddresses = PeerAddresses.add(topology, peers);
        if (peers > 1) {
            commands.add(PeerAddresses.command(peers));
        }
        long intervalMs = Math.max(100, sessions / 10);
        List<String> limit = sessions > 10_000 ? List.of("prlimit", "--nofile=" + DESCRIPTORS) : List.of();
        String prefix = limit.isEmpty() ? "" : String.join(" ", limit) + " ";
        Endpoint server = Endpoint.start(lab, "b", TrafficKind.MANY, true, Map.of("listen", "0.0.0.0:" + PORT,
                "count", Integer.toString(Math.min(sessions, ManyConnections.MAX_CONNECTIONS))), limit);
        server.await("ready", START_LIMIT_MS);
        commands.add("b: " + prefix + "java ... EndpointMain many server listen=0.0.0.0:" + PORT);
        int processes = Math.max(1, (sessions + PER_PROCESS - 1) / PER_PROCESS);
        List<Endpoint> clients = new ArrayList<>();
        long opening = System.currentTimeMillis();
        for (int p = 0; p < processes; p++) {
            List<String> targets = new ArrayList<>();
            for (int i = p; i < peers; i += processes) {
                targets.add(peerAddresses.get(i) + ":" + PORT);
            }
            int count = sessions / peers * targets.size();
            Map<String, String> options = new HashMap<>(Map.of("connect", String.join(",", targets), "count",
                    Integer.toString(count), "intervalMs", Long.toString(intervalMs)));
            clients.add(Endpoint.start(lab, "a", TrafficKind.MANY, false, options, limit));
            commands.add("a: " + prefix + "java ... EndpointMain many client count=" + count + " intervalMs="
                    + intervalMs + " connect=" + targets.get(0) + (targets.size() > 1 ? ",... (" + targets.size()
                            + " peers)" : ""));
        }
        for (Endpoint client : clients) {
            client.await("connected", START_LIMIT_MS);
        }
        ctx.progress().say(what, sessions + " sessions open in " + (System.currentTimeMillis() - opening)
                + " ms; waiting until all are bound to keys");
        BoundSessions.await(agents, "a", sessions, BOUND_LIMIT_MS);
    }
}
