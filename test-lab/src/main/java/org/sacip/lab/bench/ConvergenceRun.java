package org.sacip.lab.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.sacip.lab.Lab;
import org.sacip.lab.LabException;
import org.sacip.lab.agent.AgentEvents;
import org.sacip.lab.agent.Agents;
import org.sacip.lab.move.MoveKind;
import org.sacip.lab.topology.Family;
import org.sacip.lab.topology.Topology;
import org.sacip.lab.topology.TopologyBuilder;
import org.sacip.lab.topology.TopologyKind;
import org.sacip.lab.topology.Uplink;
import org.sacip.lab.traffic.Endpoint;
import org.sacip.lab.traffic.ManyConnections;
import org.sacip.lab.traffic.TrafficKind;

/**
 * Convergence with many sessions: agents in A and B, B with {@code peers} addresses on its uplink (198.18.10.2, .3,
 * ...), A with sessions/peers TCP sessions to each (ManyConnections clients, up to 25,000 connections per process,
 * each process taking its share of the peers in turn; the kernel picks the source address and port), all bound to
 * keys; then make-before-break moves between A's uplinks. Per move, followed on A's event feed: from the move's
 * start to the {@code move} event (the inbound rewrite is in: map entries installed) and the {@code converged}
 * event's {@code ms} (from the kernel's address event to the last peer's acknowledgement). Then A's agent's RSS, and
 * {@code nft -f} loading as many map elements as there are sessions, in the same run.
 */
final class ConvergenceRun {
    private static final int PORT = 5001;
    private static final int PEER_SUBNET = 10;
    private static final int FIRST_PEER_HOST = 2;
    private static final int PER_PROCESS = 25_000;
    /** More descriptors than the lab's own limit allows: prlimit raises it for the endpoint's JVM. */
    private static final int DESCRIPTORS = 262_144;
    private static final long START_LIMIT_MS = 600_000;
    private static final long BOUND_LIMIT_MS = 900_000;
    private static final Duration EVENT_LIMIT = Duration.ofSeconds(120);
    private static final long SPACING_MS = 3000;
    private static final long AFTER_CONVERGED_MS = 1000;

    record Outcome(BenchPlan.Scale scale, String labId, List<Long> installedMicros, List<Long> convergedMs,
            long rssKib, long nftMicros, List<String> commands) {
    }

    private ConvergenceRun() {
    }

    static Outcome run(BenchContext ctx, BenchPlan.Scale scale, int moves) {
        int sessions = scale.sessions();
        int peers = scale.peers();
        if (sessions % peers != 0) {
            throw new IllegalArgumentException("sessions must be a multiple of peers: " + scale);
        }
        String labId = "convergence-" + sessions;
        String what = "convergence " + scale.label();
        ctx.progress().say(what, "building the lab");
        List<String> commands = new ArrayList<>();
        try (Lab lab = new Lab()) {
            Topology topology = TopologyBuilder.build(lab, TopologyKind.ROAMING, Family.IPV4);
            Agents agents = ctx.startAgents(lab, labId);
            Uplink b = topology.uplink("b", 0);
            List<String> peerAddresses = new ArrayList<>();
            for (int i = 0; i < peers; i++) {
                String address = topology.family().address(PEER_SUBNET, FIRST_PEER_HOST + i);
                if (!address.equals(b.address())) {
                    lab.run("b", TopologyBuilder.addressCommand(topology.family(), "add", address + "/"
                            + b.prefixLength(), b.ifName()).toArray(String[]::new));
                }
                peerAddresses.add(address);
            }
            commands.add("b: ip -4 addr add 198.18.10.N/24 dev up1   (N = 3.." + (FIRST_PEER_HOST + peers - 1) + ")");
            long intervalMs = Math.max(100, sessions / 10);
            List<String> limit = sessions > 10_000 ? List.of("prlimit", "--nofile=" + DESCRIPTORS) : List.of();
            Endpoint server = Endpoint.start(lab, "b", TrafficKind.MANY, true, Map.of("listen", "0.0.0.0:" + PORT,
                    "count", Integer.toString(Math.min(sessions, ManyConnections.MAX_CONNECTIONS))), limit);
            server.await("ready", START_LIMIT_MS);
            commands.add("b: " + String.join(" ", limit) + (limit.isEmpty() ? "" : " ")
                    + "java ... EndpointMain many server listen=0.0.0.0:" + PORT);
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
                commands.add("a: " + String.join(" ", limit) + (limit.isEmpty() ? "" : " ")
                        + "java ... EndpointMain many client count=" + count + " intervalMs=" + intervalMs
                        + " connect=" + targets.get(0) + (targets.size() > 1 ? ",... (" + targets.size()
                                + " peers)" : ""));
            }
            for (Endpoint client : clients) {
                client.await("connected", START_LIMIT_MS);
            }
            ctx.progress().say(what, sessions + " sessions open in " + (System.currentTimeMillis() - opening)
                    + " ms; waiting until all are bound to keys");
            BoundSessions.await(agents, "a", sessions, BOUND_LIMIT_MS);

            UplinkMoves mover = new UplinkMoves(topology, MoveKind.MAKE_BEFORE_BREAK);
            List<Long> installed = new ArrayList<>();
            List<Long> converged = new ArrayList<>();
            ctx.measuring(labId);
            try (AgentEvents events = AgentEvents.follow(agents.control("a").socket())) {
                for (int i = 0; i < moves; i++) {
                    ctx.progress().trial(what, "move", i + 1, moves);
                    long scheduled = System.currentTimeMillis() + SPACING_MS;
                    long start = System.nanoTime();
                    BenchMove move = mover.move(i);
                    if (i < 2) {
                        commands.addAll(move.event().commands());
                    }
                    try {
                        installed.add((events.await("move", EVENT_LIMIT).receivedNanos() - start) / 1000);
                        converged.add(events.await("converged", EVENT_LIMIT).fields().path("ms").asLong());
                    } catch (LabException e) {
                        ctx.progress().say(what, "move " + (i + 1) + ": " + e.getMessage().lines().findFirst()
                                .orElse("") + "; the remaining moves are not measured");
                        while (installed.size() < moves) {
                            installed.add(null);
                        }
                        while (converged.size() < moves) {
                            converged.add(null);
                        }
                        break;
                    }
                    Pause.until(Math.max(scheduled, System.currentTimeMillis() + AFTER_CONVERGED_MS));
                }
            }
            long rss = ProcStat.rssKib(agents.pid("a"));
            lab.addHost("nft");
            NftLoad.Timed nft = NftLoad.time(lab, "nft", sessions, ctx.workDir());
            commands.add(nft.command());
            ctx.progress().say(what, "done");
            return new Outcome(scale, labId, installed, converged, rss, nft.micros(), commands);
        }
    }
}
