package org.sacip.lab.bench;

import java.io.PrintStream;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.sacip.lab.Lab;
import org.sacip.lab.LabException;
import org.sacip.lab.agent.Agents;
import org.sacip.lab.agent.ProjectRoot;
import org.sacip.lab.move.MoveKind;
import org.sacip.lab.scenario.StreamFigures;
import org.sacip.lab.topology.Family;
import org.sacip.lab.topology.Topology;
import org.sacip.lab.topology.TopologyBuilder;
import org.sacip.lab.topology.TopologyKind;
import org.sacip.lab.topology.Uplink;
import org.sacip.lab.traffic.Endpoint;
import org.sacip.lab.traffic.ManyConnections;
import org.sacip.lab.traffic.StreamDrain;
import org.sacip.lab.traffic.StreamReport;
import org.sacip.lab.traffic.TrafficKind;

/**
 * Convergence with many sessions: agents in A and B, B with several peer addresses on its uplink (198.18.10.2,
 * .3, ...), A with the same number of TCP sessions to each (one "many" client endpoint per peer address, one
 * wildcard "many" server in B), then A moved make-before-break between its uplinks, back and forth. The figure is
 * A's agent's "converged in N ms" per move: from the kernel's address event until every peer address acknowledged.
 */
public final class ManySessionsConvergenceBenchmark {
    private static final String NAME = "ManySessionsConvergenceBenchmark";
    private static final String USAGE = "[sessions=1000] [peers=10] [moves=20] [spacingMs=1500] [leadMs=3000] "
            + "[settleMs=2000] [family=ipv4|ipv6]";
    private static final Set<String> KEYS = Set.of("sessions", "peers", "moves", "spacingMs", "leadMs", "settleMs",
            "family");
    private static final int PORT = 5001;
    /** B's uplink is subnet 10 and B is host 2 there: the peer addresses are hosts 2, 3, ... of that subnet. */
    private static final int PEER_SUBNET = 10;
    private static final int FIRST_PEER_HOST = 2;
    private static final long GOAL_MS = 1000;
    private static final long START_LIMIT_MS = 120_000;
    private static final long KEYS_LIMIT_MS = 60_000;
    private static final long REPORT_LIMIT_MS = 60_000;

    private final Family family;
    private final int sessions;
    private final int peers;
    private final int moves;
    private final long spacingMs;
    private final long leadMs;
    private final long settleMs;
    private final PrintStream out = System.out;

    private ManySessionsConvergenceBenchmark(BenchArgs args) {
        this.family = FamilyArg.parse(args.text("family", "ipv4"));
        this.sessions = (int) args.number("sessions", 1000, 1, ManyConnections.MAX_CONNECTIONS);
        this.peers = (int) args.number("peers", 10, 1, 200);
        this.moves = (int) args.number("moves", 20, 1, 10_000);
        this.spacingMs = args.number("spacingMs", 1500, 200, 60_000);
        // Keys are agreed for sessions older than 1 s, scanned every second: 3 s at least before the first move.
        this.leadMs = args.number("leadMs", 3000, 0, 600_000);
        this.settleMs = args.number("settleMs", 2000, 0, 600_000);
        if (sessions % peers != 0) {
            throw new IllegalArgumentException("sessions (" + sessions + ") must be a multiple of peers (" + peers + ")");
        }
    }

    public static void main(String[] args) {
        BenchMain.run(NAME, USAGE, args, a -> new ManySessionsConvergenceBenchmark(new BenchArgs(a, KEYS)).run());
    }

    private void run() {
        Path root = ProjectRoot.find();
        if (!Agents.available(root)) {
            throw new LabException(Agents.agentBinary(root) + " does not exist: build the agent first");
        }
        int perPeer = sessions / peers;
        // ManyConnections' own rule (about 10,000 counters a second in all), over all client endpoints together.
        long intervalMs = Math.max(100, sessions / 10);
        out.println("== " + sessions + " TCP sessions from A to " + peers + " peer addresses of B (" + perPeer
                + " each, a counter every " + intervalMs + " ms per session), agents in A and B, " + moves
                + " make-before-break moves of A " + spacingMs + " ms apart (roaming topology, " + family + ")");
        out.flush();
        try (Lab lab = new Lab()) {
            Topology topology = TopologyBuilder.build(lab, TopologyKind.ROAMING, family);
            Agents agents = Agents.startIfPresent(lab, root, List.of("a", "b"));
            if (!agents.running()) {
                throw new LabException(agents.note());
            }
            Uplink a = topology.uplink("a", 0);
            Uplink b = topology.uplink("b", 0);
            List<String> peerAddresses = new ArrayList<>();
            for (int i = 0; i < peers; i++) {
                String address = family.address(PEER_SUBNET, FIRST_PEER_HOST + i);
                if (!address.equals(b.address())) {
                    lab.run("b", TopologyBuilder.addressCommand(family, "add", address + "/" + b.prefixLength(),
                            b.ifName()).toArray(String[]::new));
                }
                peerAddresses.add(address);
            }

            List<Endpoint> endpoints = new ArrayList<>();
            Endpoint server = Endpoint.start(lab, "b", TrafficKind.MANY, true,
                    Map.of("listen", service(family.isV6() ? "::" : "0.0.0.0"), "count", Integer.toString(sessions)));
            endpoints.add(server);
            server.await("ready", START_LIMIT_MS);
            long opening = System.currentTimeMillis();
            for (String peer : peerAddresses) {
                endpoints.add(Endpoint.start(lab, "a", TrafficKind.MANY, false, Map.of("bind", a.address(),
                        "connect", service(peer), "count", Integer.toString(perPeer), "intervalMs",
                        Long.toString(intervalMs))));
            }
            for (Endpoint endpoint : endpoints) {
                endpoint.await("connected", START_LIMIT_MS);
            }
            out.println("  " + sessions + " sessions open in " + (System.currentTimeMillis() - opening) + " ms");
            Pause.ms(leadMs);
            long keysSince = System.currentTimeMillis();
            waitForKeys(lab, peerAddresses);
            out.println("  A's agent has keys with all " + peers + " peer addresses (" + (System.currentTimeMillis()
                    - keysSince) + " ms after the " + leadMs + " ms lead)");
            out.flush();

            UplinkMoves mover = new UplinkMoves(topology, MoveKind.MAKE_BEFORE_BREAK);
            List<BenchMove> done = new ArrayList<>();
            long first = System.currentTimeMillis();
            for (int i = 0; i < moves; i++) {
                Pause.until(first + i * spacingMs);
                done.add(mover.move(i));
            }
            Pause.ms(settleMs);
            printWaitingSockets(lab);

            endpoints.forEach(e -> e.send("quiesce"));
            long quiescedAt = 0;
            for (Endpoint endpoint : endpoints) {
                quiescedAt = Math.max(quiescedAt, endpoint.await("quiesced", REPORT_LIMIT_MS).path("atMs").asLong());
            }
            StreamDrain.drain(endpoints);
            List<StreamReport> reports = new ArrayList<>();
            for (Endpoint endpoint : endpoints) {
                reports.add(endpoint.report(REPORT_LIMIT_MS));
            }
            print(done, first, AgentLog.read(lab, "a"), MoveGaps.worstPerMove(done, quiescedAt, reports), reports,
                    intervalMs);
            printStalledPerPeer(peerAddresses, reports.subList(1, reports.size()));
        }
    }

    private void print(List<BenchMove> done, long first, AgentLog log, List<Long> gaps, List<StreamReport> reports,
            long intervalMs) {
        List<AgentLog.Planned> planned = log.plannedPerMove(done);
        List<AgentLog.Converged> converged = log.convergedPerMove(done);
        out.printf("  %4s %7s  %-22s %-44s %12s %9s%n", "move", "t ms", "A now uses", "agent saw", "converged ms",
                "gap ms");
        List<Long> convergedValues = new ArrayList<>();
        for (int i = 0; i < done.size(); i++) {
            AgentLog.Planned p = planned.get(i);
            AgentLog.Converged v = converged.get(i);
            convergedValues.add(v == null ? null : v.ms());
            String saw = p == null ? "(no move line)" : p.kind() + ", " + p.sessions() + " sess, " + p.bound()
                    + " bound to " + p.keys() + " keys";
            String conv = v == null ? "-" : v.ms() + (v.refused() > 0 ? " (" + v.refused() + " refused)" : "");
            out.printf("  %4d %7d  %-22s %-44s %12s %9d%n", i + 1, done.get(i).event().startMs() - first,
                    done.get(i).target(), saw, conv, gaps.get(i));
        }
        long failed = reports.stream().mapToLong(StreamReport::connectionsFailed).sum();
        long sent = 0;
        long received = 0;
        long corrupted = 0;
        for (StreamReport r : reports) {
            sent += r.bytesSent();
            received += r.bytesReceived();
            corrupted += r.bytesCorrupted();
        }
        long lost = Math.max(0, sent - received);
        String firstFailure = reports.stream().map(StreamReport::failure).filter(f -> f != null).findFirst()
                .orElse(null);
        long stalled = reports.stream().filter(r -> r.role().equals("client")).mapToLong(
                ManySessionsConvergenceBenchmark::stalled).sum();
        out.println("  sessions: " + stalled + " of " + sessions + " stalled at the end (silent > "
                + StreamFigures.STALL_MS + " ms), " + failed + " connection end(s) failed, " + lost
                + " bytes lost, " + corrupted + " corrupted" + (firstFailure == null ? "" : ", first failure: "
                        + firstFailure));
        out.println("  A's agent log: " + log.planned().size() + " move line(s), " + log.converged().size()
                + " converged line(s)" + (log.planned().size() == done.size() ? "" : " (the agent merged or missed"
                        + " moves: the per-move match above is by time and target, check the timeline)"));
        printTimeline(log, first);
        Summary convergedSummary = new Summary(sessions + " sessions/" + peers + " peers: converged", "ms",
                convergedValues);
        Summary gapSummary = new Summary(sessions + " sessions/" + peers + " peers: longest silence", "ms", gaps);
        out.println();
        Summary.printHeader(out);
        convergedSummary.print(out);
        gapSummary.print(out);
        Long max = convergedSummary.max();
        out.println("goal: converged <= " + GOAL_MS + " ms on every move: " + (max != null
                && convergedSummary.missing() == 0 && max <= GOAL_MS ? "met" : "NOT met")
                + ". silence: the longest on any session from a move to the next; each session sends every "
                + intervalMs + " ms, so about that much is no handover at all.");
        out.flush();
    }

    /**
     * Sockets still backing off after the settle time, with what conntrack and the agents' maps hold for them: a stall
     * in this report then says where the packets go, not only that they stopped.
     */
    private void printWaitingSockets(Lab lab) {
        for (String host : List.of("a", "b")) {
            List<String> waiting = lab.run(host, "ss", "-tinHO", "state", "established").lines()
                    .filter(l -> l.contains(" backoff:")).toList();
            out.println("  " + host + ": " + waiting.size() + " established socket(s) backing off after the moves");
            waiting.stream().limit(3).forEach(l -> out.println("    " + l.trim().replaceAll("\\s+", " ")));
            for (String line : waiting.stream().limit(3).toList()) {
                String[] fields = line.trim().split("\\s+");
                String local = fields[2];
                String port = local.substring(local.lastIndexOf(':') + 1);
                for (String where : List.of("a", "b")) {
                    String tracked = lab.run(where, "sh", "-c", "conntrack -L -p tcp 2>/dev/null | grep -w " + port
                            + " || true");
                    tracked.lines().forEach(t -> out.println("    conntrack " + where + ": " + t));
                    String mapped = lab.run(where, "sh", "-c", "nft list ruleset 2>/dev/null | grep -w " + port
                            + " || true");
                    mapped.lines().forEach(t -> out.println("    nft " + where + ": " + around(t, port)));
                }
            }
        }
        out.flush();
    }

    /** The part of an nft line (maps list many elements per line) around a port. */
    private static String around(String line, String port) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("\\b" + port + "\\b").matcher(line);
        if (!m.find()) {
            return line.trim();
        }
        return line.substring(Math.max(0, m.start() - 80), Math.min(line.length(), m.end() + 80)).trim();
    }

    /** A client connection still silent at the end, for longer than a stall: one stalled session each. */
    private static long stalled(StreamReport client) {
        return client.gaps().stream().filter(g -> g.open() && g.durationMs() > StreamFigures.STALL_MS).count();
    }

    /** Clients are in peer-address order: which peer addresses' sessions stalled. */
    private void printStalledPerPeer(List<String> peerAddresses, List<StreamReport> clients) {
        StringBuilder line = new StringBuilder("  stalled per peer address:");
        for (int i = 0; i < clients.size(); i++) {
            line.append(' ').append(peerAddresses.get(i)).append('=').append(stalled(clients.get(i))).append('/')
                    .append(clients.get(i).connections());
        }
        out.println(line);
        out.flush();
    }

    /** The agent's own lines, times from the first move: shows lag and merged moves the per-move table hides. */
    private void printTimeline(AgentLog log, long first) {
        List<String> lines = new ArrayList<>();
        List<Long> times = new ArrayList<>();
        for (AgentLog.Planned p : log.planned()) {
            times.add(p.atMs());
            lines.add(String.format("  %7d  move planned: %s -> %s (%s), %d session(s)", p.atMs() - first,
                    p.original().getHostAddress(), p.active().getHostAddress(), p.kind(), p.sessions()));
        }
        for (AgentLog.Converged v : log.converged()) {
            times.add(v.atMs());
            lines.add(String.format("  %7d  converged: %s -> %s in %d ms, %d confirmed, %d did not", v.atMs() - first,
                    v.original().getHostAddress(), v.active().getHostAddress(), v.ms(), v.confirmed(), v.refused()));
        }
        out.println("  A's agent timeline (ms from the first move):");
        java.util.stream.IntStream.range(0, lines.size()).boxed().sorted(java.util.Comparator.comparing(times::get))
                .forEach(i -> out.println(lines.get(i)));
    }

    private void waitForKeys(Lab lab, List<String> peerAddresses) {
        Set<InetAddress> wanted = new HashSet<>();
        for (String peer : peerAddresses) {
            try {
                wanted.add(InetAddress.getByName(peer));
            } catch (UnknownHostException e) {
                throw new LabException("not an address: " + peer, e);
            }
        }
        long deadline = System.currentTimeMillis() + KEYS_LIMIT_MS;
        while (true) {
            Set<InetAddress> have = AgentLog.read(lab, "a").keyPeers();
            if (have.containsAll(wanted)) {
                return;
            }
            if (System.currentTimeMillis() > deadline) {
                Set<InetAddress> missing = new HashSet<>(wanted);
                missing.removeAll(have);
                throw new LabException("A's agent agreed no key with " + missing + " within " + KEYS_LIMIT_MS
                        + " ms (SACIP_LAB_KEEP_LOGS=DIR keeps the agents' logs)");
            }
            Pause.ms(200);
        }
    }

    private String service(String address) {
        return (family.isV6() ? "[" + address + "]" : address) + ":" + PORT;
    }
}
