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
 * ...), and A opens sessions/peers sessions to each address. The peers are shared out in turn among pairs of
 * ManyConnections processes of up to 16,000 connections each (a wildcard server in B on a port of its own, a client
 * in A; the kernel picks the source address and port): one process may hold no more descriptors than the lab's hard
 * limit. Each session sends a counter every max(100 ms, sessions/10 ms).
 */
final class ManySessions {
    static final int PORT = 5001;
    /** Connections per endpoint process: below the lab's hard limit of descriptors (20,000 here). */
    private static final int PER_PROCESS = 16_000;
    private static final long START_LIMIT_MS = 600_000;
    private static final long BOUND_LIMIT_MS = 900_000;

    private ManySessions() {
    }

    /**
     * Opens the sessions and returns once A's agent has bound them all; the commands go into {@code commands}.
     * Returns A's client processes (each sends its connections' counters in one burst per interval; B's servers only
     * echo).
     */
    static List<Endpoint> open(BenchContext ctx, String what, Topology topology, Agents agents, BenchPlan.Scale scale,
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
        // B's servers accept on one thread each: with the default accept queue (4096) a busy server lets it overflow,
        // and the kernel drops the clients' ACKs until SYN-ACK retries (backing off to a minute) get them in.
        for (String setting : List.of("net.core.somaxconn=65535", "net.ipv4.tcp_max_syn_backlog=65535")) {
            lab.run("b", "sysctl", "-q", "-w", setting);
            commands.add("b: sysctl -w " + setting);
        }
        // A pair of processes (B's server on a port of its own, A's client) per share of the peers, so that no
        // process needs more descriptors than the lab's hard limit allows (it cannot be raised here).
        int processes = Math.min(peers, Math.max(1, (sessions + PER_PROCESS - 1) / PER_PROCESS));
        List<Endpoint> servers = new ArrayList<>();
        List<Endpoint> clients = new ArrayList<>();
        long opening = System.currentTimeMillis();
        for (int p = 0; p < processes; p++) {
            int port = PORT + p;
            List<String> targets = share(peerAddresses, p, processes, port);
            int count = sessions / peers * targets.size();
            servers.add(Endpoint.start(lab, "b", TrafficKind.MANY, true, Map.of("listen", "0.0.0.0:" + port,
                    "count", Integer.toString(count))));
            if (p == 0) {
                commands.add("b: java ... EndpointMain many server listen=0.0.0.0:" + port + " count=" + count
                        + (processes > 1 ? "   (one per share of the peers, ports " + PORT + ".." + (PORT
                                + processes - 1) + ")" : ""));
            }
        }
        for (Endpoint server : servers) {
            server.await("ready", START_LIMIT_MS);
        }
        for (int p = 0; p < processes; p++) {
            int port = PORT + p;
            List<String> targets = share(peerAddresses, p, processes, port);
            int count = sessions / peers * targets.size();
            Map<String, String> options = new HashMap<>(Map.of("connect", String.join(",", targets), "count",
                    Integer.toString(count), "intervalMs", Long.toString(intervalMs)));
            // One client at a time: all of them connecting at once on two cores miss their connect deadline.
            Endpoint client = Endpoint.start(lab, "a", TrafficKind.MANY, false, options);
            client.await("connected", START_LIMIT_MS);
            clients.add(client);
            commands.add("a: java ... EndpointMain many client count=" + count + " intervalMs=" + intervalMs
                    + " connect=" + targets.get(0) + (targets.size() > 1 ? ",... (" + targets.size() + " peers)"
                            : ""));
        }
        ctx.progress().say(what, sessions + " sessions open in " + (System.currentTimeMillis() - opening)
                + " ms; waiting until all are bound to keys");
        int bound = BoundSessions.await(agents, "a", sessions, BOUND_LIMIT_MS);
        if (bound < sessions) {
            ctx.progress().say(what, (sessions - bound) + " of " + sessions + " sessions stayed unbound (see A's"
                    + " agent log: refused claims name the reason); measuring with " + bound);
        }
        return clients;
    }

    /** Process {@code p}'s peers (every {@code processes}-th from the p-th), as ADDRESS:PORT. */
    private static List<String> share(List<String> peerAddresses, int p, int processes, int port) {
        List<String> targets = new ArrayList<>();
        for (int i = p; i < peerAddresses.size(); i += processes) {
            targets.add(peerAddresses.get(i) + ":" + port);
        }
        return targets;
    }
}
