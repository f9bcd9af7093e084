package org.sacip.lab.bench;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import org.sacip.lab.Lab;
import org.sacip.lab.agent.AgentEvents;
import org.sacip.lab.agent.Agents;
import org.sacip.lab.scenario.StreamFigures;
import org.sacip.lab.scenario.Verdict;
import org.sacip.lab.topology.Family;
import org.sacip.lab.topology.Topology;
import org.sacip.lab.topology.TopologyBuilder;
import org.sacip.lab.traffic.Endpoint;
import org.sacip.lab.traffic.StreamDrain;
import org.sacip.lab.traffic.StreamReport;
import org.sacip.lab.traffic.TrafficKind;

/**
 * Does a connection survive a move whatever its age, and how soon after it is up does A's agent agree its key?
 * Agents in A and B. Per move, {@code lanes} gap streams per age, each to a peer address of B no connection used
 * before (so no key exists for it: every stream is a user's first connection to that peer), each client told to
 * connect exactly that long before the planned move ({@code connectAtMs}); then one move of the case's kind (later
 * if a connection came late: every stream is at least its age); 3 s later each stream is checked (survived: open,
 * flowing, nothing lost or corrupted). Kept per connection: its actual age at the move, and the time from the
 * client's connect() call (the SYN) to A's {@code key} event for that peer (missing when none came by the check).
 */
final class AgeRun {
    private static final int PORT = 6000;
    static final long SETTLE_MS = 3000;
    private static final long START_LIMIT_MS = 60_000;
    private static final long REPORT_LIMIT_MS = 30_000;
    /** Time for the client JVMs to start before the first connection is due: a base and a share per client. */
    private static final long STARTUP_MS = 1500;
    private static final long STARTUP_PER_CLIENT_MS = 500;

    /**
     * Per age (in the plan's order), per connection: 1 survived / 0 not; its actual age in ms; µs from the client's
     * connect() to A's key for its peer (null: no key by the check).
     */
    record Outcome(GapCase gapCase, String labId, List<List<Long>> survived, List<List<Long>> actualAgesMs,
            List<List<Long>> keyMicros, List<String> commands) {
    }

    private AgeRun() {
    }

    /** Fresh peer addresses a run needs: one per connection, after B's own. */
    static int peersNeeded(int ages, int moves, int lanes) {
        return 1 + ages * moves * lanes;
    }

    static Outcome run(BenchContext ctx, GapCase gapCase, List<Long> agesMs, int moves, int lanes) {
        String labId = "ages-" + gapCase.cliName();
        String what = "ages " + gapCase.cliName();
        List<List<Long>> survived = perAge(agesMs.size());
        List<List<Long>> actual = perAge(agesMs.size());
        List<List<Long>> keys = perAge(agesMs.size());
        List<String> commands = new ArrayList<>();
        long oldest = Collections.max(agesMs);
        int streams = agesMs.size() * lanes;
        try (Lab lab = new Lab()) {
            Topology topology = TopologyBuilder.build(lab, gapCase.topology(), Family.IPV4);
            int needed = peersNeeded(agesMs.size(), moves, lanes);
            List<String> peers = PeerAddresses.add(topology, needed);
            commands.add(PeerAddresses.command(needed));
            Agents agents = ctx.startAgents(lab, labId);
            BackAndForth mover = gapCase.moves(topology);
            ctx.measuring(labId);
            try (AgentEvents events = AgentEvents.follow(agents.control("a").socket())) {
                Map<String, Long> keyAtMicros = new HashMap<>();
                int nextPeer = 1;
                for (int t = 0; t < moves; t++) {
                    ctx.progress().trial(what, "move", t + 1, moves);
                    String a = topology.uplink("a", t % 2).address();
                    Endpoint[] servers = new Endpoint[streams];
                    Endpoint[] clients = new Endpoint[streams];
                    String[] peerOf = new String[streams];
                    for (int s = 0; s < streams; s++) {
                        peerOf[s] = peers.get(nextPeer++);
                        servers[s] = Endpoint.start(lab, "b", TrafficKind.GAP, true,
                                Map.of("listen", peerOf[s] + ":" + PORT));
                    }
                    for (Endpoint server : servers) {
                        server.await("ready", START_LIMIT_MS);
                    }
                    long moveAt = System.currentTimeMillis() + startupMs(streams) + oldest;
                    for (int s = 0; s < streams; s++) {
                        long age = agesMs.get(s % agesMs.size());
                        clients[s] = Endpoint.start(lab, "a", TrafficKind.GAP, false, Map.of("bind", a, "connect",
                                peerOf[s] + ":" + PORT, "connectAtMs", Long.toString(moveAt - age)));
                        if (t == 0 && s < agesMs.size()) {
                            commands.add("b: java ... EndpointMain gap server listen=" + peerOf[s] + ":" + PORT);
                            commands.add("a: java ... EndpointMain gap client bind=" + a + " connect=" + peerOf[s]
                                    + ":" + PORT + " connectAtMs=(move time - " + age + " ms)");
                        }
                    }
                    long[] upMs = new long[streams];
                    long[] upMicros = new long[streams];
                    long due = moveAt;
                    for (int s = 0; s < streams; s++) {
                        var connected = clients[s].await("connected", START_LIMIT_MS + oldest);
                        upMs[s] = connected.path("atMs").asLong();
                        // From the SYN: the client's own "up" time can come late on a busy machine (descheduled
                        // after connect() returned), even after the agent's key event.
                        upMicros[s] = connected.path("connectingAtMicros").asLong();
                        servers[s].await("connected", START_LIMIT_MS);
                        // A connection that came late still gets its full age: ages are lower bounds.
                        due = Math.max(due, upMs[s] + agesMs.get(s % agesMs.size()));
                    }
                    Pause.until(due);
                    BenchMove move = mover.move(t);
                    if (t == 0) {
                        commands.addAll(move.event().commands());
                    }
                    Pause.ms(SETTLE_MS);
                    List<Boolean> alive = survived(List.of(clients), List.of(servers));
                    for (AgentEvents.Event e : events.drain()) {
                        // The agent's own time of the key, on the clock the clients' connect times come from:
                        // the bench's arrival time would add its own wait for a core on a busy machine.
                        OptionalLong published = e.publishedMicros();
                        if (e.type().equals("key") && published.isPresent()) {
                            keyAtMicros.putIfAbsent(e.fields().path("peer").asText(), published.getAsLong());
                        }
                    }
                    for (int s = 0; s < streams; s++) {
                        int i = s % agesMs.size();
                        actual.get(i).add(move.event().startMs() - upMs[s]);
                        survived.get(i).add(alive.get(s) ? 1L : 0L);
                        Long keyAt = keyAtMicros.get(peerOf[s]);
                        keys.get(i).add(keyAt == null ? null : keyAt - upMicros[s]);
                        clients[s].close();
                        servers[s].close();
                    }
                }
            }
            ctx.progress().say(what, "done");
        }
        return new Outcome(gapCase, labId, survived, actual, keys, commands);
    }

    /** How long before the first connection is due the clients start. */
    static long startupMs(int clients) {
        return STARTUP_MS + STARTUP_PER_CLIENT_MS * clients;
    }

    private static List<List<Long>> perAge(int ages) {
        List<List<Long>> lists = new ArrayList<>();
        for (int i = 0; i < ages; i++) {
            lists.add(new ArrayList<>());
        }
        return lists;
    }

    /** Quiesces all streams at once, then each one's verdict. */
    private static List<Boolean> survived(List<Endpoint> clients, List<Endpoint> servers) {
        List<Endpoint> all = new ArrayList<>(clients);
        all.addAll(servers);
        all.forEach(e -> e.send("quiesce"));
        all.forEach(e -> e.await("quiesced", REPORT_LIMIT_MS));
        StreamDrain.drain(all);
        List<Boolean> verdicts = new ArrayList<>();
        for (int s = 0; s < clients.size(); s++) {
            StreamReport c = clients.get(s).report(REPORT_LIMIT_MS);
            StreamReport r = servers.get(s).report(REPORT_LIMIT_MS);
            verdicts.add(new StreamFigures(c, r).verdict() == Verdict.SURVIVED);
        }
        return verdicts;
    }
}
