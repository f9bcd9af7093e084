package org.sacip.lab.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.sacip.lab.Lab;
import org.sacip.lab.agent.Agents;
import org.sacip.lab.move.AddressHooks;
import org.sacip.lab.scenario.StreamFigures;
import org.sacip.lab.scenario.Verdict;
import org.sacip.lab.topology.Family;
import org.sacip.lab.topology.Topology;
import org.sacip.lab.topology.TopologyBuilder;
import org.sacip.lab.topology.TopologyKind;
import org.sacip.lab.topology.Uplink;
import org.sacip.lab.traffic.Endpoint;
import org.sacip.lab.traffic.StreamDrain;
import org.sacip.lab.traffic.StreamReport;
import org.sacip.lab.traffic.TrafficKind;

/**
 * One contender through one or more handover cases on ONE gap stream (8-byte counters every 2 ms both ways, A -> B):
 * one lab, agents or MPTCP or nothing, a 4 s lead (with agents: and until A's agent bound the stream to a key), then
 * (with agents or MPTCP) {@link #quietWindows} windows of 1.5 s with no move, then each case's moves back and forth
 * on a fixed schedule 1.5 s apart, cases one after the other. Per move: the fine gap (µs) and, with agents, A's
 * "converged in N ms". Per quiet window: the same figure with nothing moving, the floor that the machine, the JVMs of
 * the endpoints and the contender set for the per-move gaps. With agents, {@link #profiledMoves} more moves per case
 * follow, recorded with JFR and not measured.
 */
final class GapRun {
    static final long SEND_INTERVAL_MICROS = 2000;
    private static final int PORT = 5001;
    // Keys are agreed for sessions older than 1 s, scanned every second: 3 s at least before the first move.
    static final long LEAD_MS = 4000;
    static final long SPACING_MS = 1500;
    private static final long SETTLE_MS = 2000;
    private static final long START_LIMIT_MS = 60_000;
    private static final long KEY_LIMIT_MS = 60_000;
    private static final long REPORT_LIMIT_MS = 30_000;
    /** At most this many quiet windows per run: a full run's 30 moves a case get 10, a quick run's 2 get 2. */
    private static final int MAX_QUIET_WINDOWS = 10;
    /** At most this many moves per case after the measured ones, A's agent recording JFR: there and back, twice. */
    private static final int MAX_PROFILED_MOVES = 4;

    /**
     * One case's moves in this run; with agents, per move, the sockets its convergence left to their backed-off
     * retransmission timers (both agents' retransmission kicks: stranded or not taken), else empty.
     */
    record CaseTrials(GapCase gapCase, List<Long> gapMicros, List<Long> convergedMs, List<String> moveCommands,
            List<AgentLog.LeftToTimer> leftToTimer) {
    }

    /** The run: its cases, how the stream ended, and the commands that set it up. */
    record Outcome(Contender contender, String labId, List<CaseTrials> cases, List<Long> quietGapMicros,
            Verdict verdict, long bytesLost, List<String> setup) {
        CaseTrials of(GapCase gapCase) {
            return cases.stream().filter(c -> c.gapCase() == gapCase).findFirst().orElse(null);
        }
    }

    private GapRun() {
    }

    /** The moves per case made for the profile after the measured ones: as many as measured, up to 4 (even). */
    static int profiledMoves(int movesPerCase) {
        return Math.min(MAX_PROFILED_MOVES, movesPerCase);
    }

    /** The windows with no move before the first one; none without an agent (the stream would not outlive a move). */
    static int quietWindows(Contender contender, int movesPerCase) {
        return contender.id().equals("none") ? 0 : Math.min(MAX_QUIET_WINDOWS, movesPerCase);
    }

    static Outcome run(BenchContext ctx, Contender contender, List<GapCase> cases, int movesPerCase) {
        TopologyKind kind = cases.get(0).topology();
        String labId = "gap-" + cases.get(0).cliName() + "-" + contender.id();
        String what = "gap " + contender.id();
        ctx.progress().say(what, "lab " + kind.cliName() + ", cases " + cases.stream().map(GapCase::cliName).toList());
        try (Lab lab = new Lab()) {
            Topology topology = TopologyBuilder.build(lab, kind, Family.IPV4);
            List<String> setup = new ArrayList<>();
            Agents agents = null;
            if (contender.agents()) {
                // Without a recording while the stream is measured: with JFR's sampling in both agents the stream
                // stalled for up to 27 ms with nothing moving (4-6 ms without it, as with MPTCP), more than most
                // gaps it would explain. The profile comes from moves made after the measured ones.
                agents = ctx.startAgents(lab, labId, false);
                setup.add("a, b: bin/sacip-agent (see docs/LAB.md, Scenarios)");
            }
            Mptcp mptcp = null;
            if (contender.mptcp()) {
                mptcp = new Mptcp(topology, contender.staleLossCount());
                setup.addAll(mptcp.setUp());
            }
            Uplink a = topology.uplink("a", 0);
            String service = topology.uplink("b", 0).address() + ":" + PORT;
            String prefix = contender.wrapper().isEmpty() ? "" : String.join(" ", contender.wrapper()) + " ";
            // MPTCP's joins go to the listening socket: the server keeps it (plain TCP never uses it again).
            Map<String, String> serverOptions = contender.mptcp()
                    ? Map.of("listen", service, "keepListening", "true") : Map.of("listen", service);
            Endpoint server = Endpoint.start(lab, "b", TrafficKind.GAP, true, serverOptions, contender.wrapper());
            server.await("ready", START_LIMIT_MS);
            Endpoint client = Endpoint.start(lab, "a", TrafficKind.GAP, false,
                    Map.of("bind", a.address(), "connect", service), contender.wrapper());
            client.await("connected", START_LIMIT_MS);
            server.await("connected", START_LIMIT_MS);
            setup.add("b: " + prefix + "java ... EndpointMain gap server listen=" + service
                    + (contender.mptcp() ? " keepListening=true" : ""));
            setup.add("a: " + prefix + "java ... EndpointMain gap client bind=" + a.address() + " connect=" + service);
            Pause.ms(LEAD_MS);
            if (agents != null) {
                // The gap cases measure handovers of sessions with a key (the age cases measure those without): on
                // a busy machine the key may come after the lead.
                BoundSessions.await(agents, "a", 1, KEY_LIMIT_MS);
            }

            List<BenchMove> all = new ArrayList<>();
            List<Integer> caseStarts = new ArrayList<>();
            int quiet = quietWindows(contender, movesPerCase);
            long quietFrom = System.currentTimeMillis();
            ctx.measuring(labId);
            for (int k = 0; k < quiet; k++) {
                ctx.progress().trial(what + " no move", "window", k + 1, quiet);
                Pause.until(quietFrom + (k + 1) * SPACING_MS);
            }
            long first = quietFrom + quiet * SPACING_MS;
            for (GapCase c : cases) {
                BackAndForth mover = c.moves(topology, hooks(c, topology, mptcp));
                caseStarts.add(all.size());
                for (int k = 0; k < movesPerCase; k++) {
                    ctx.progress().trial(what + " " + c.cliName(), "move", k + 1, movesPerCase);
                    // A fixed schedule: a slow move does not push the later ones back.
                    Pause.until(first + all.size() * SPACING_MS);
                    all.add(mover.move(all.size()));
                }
            }
            Pause.until(first + all.size() * SPACING_MS);
            long measuredUntil = System.currentTimeMillis();
            if (agents != null) {
                makeProfiledMoves(ctx, lab, agents, labId, cases, topology, all.size(), profiledMoves(movesPerCase));
            }
            Pause.ms(SETTLE_MS);
            client.send("quiesce");
            server.send("quiesce");
            long quiescedAt = client.await("quiesced", REPORT_LIMIT_MS).path("atMs").asLong();
            server.await("quiesced", REPORT_LIMIT_MS);
            StreamDrain.drain(List.of(client, server));
            StreamReport clientReport = client.report(REPORT_LIMIT_MS);
            StreamReport serverReport = server.report(REPORT_LIMIT_MS);
            StreamFigures figures = new StreamFigures(clientReport, serverReport);
            List<Long> gaps = FineMoveGaps.perMove(all, measuredUntil, List.of(clientReport, serverReport));
            List<Long> quietGaps = new ArrayList<>();
            for (int k = 0; k < quiet; k++) {
                quietGaps.add(FineMoveGaps.longest(List.of(clientReport, serverReport),
                        (quietFrom + k * SPACING_MS) * 1000, (quietFrom + (k + 1) * SPACING_MS) * 1000));
            }
            List<Long> converged = new ArrayList<>();
            List<AgentLog.LeftToTimer> leftToTimer = new ArrayList<>();
            if (contender.agents()) {
                AgentLog logA = AgentLog.read(lab, "a");
                logA.convergedPerMove(all).forEach(v -> converged.add(v == null ? null : v.ms()));
                List<AgentLog.LeftToTimer> ofB = AgentLog.read(lab, "b").leftToTimerPerMove(all);
                List<AgentLog.LeftToTimer> ofA = logA.leftToTimerPerMove(all);
                for (int m = 0; m < all.size(); m++) {
                    leftToTimer.add(new AgentLog.LeftToTimer(ofA.get(m).atMs(), ofA.get(m).stranded()
                            + ofB.get(m).stranded(), ofA.get(m).notTaken() + ofB.get(m).notTaken()));
                }
            }
            List<CaseTrials> trials = new ArrayList<>();
            for (int c = 0; c < cases.size(); c++) {
                int from = caseStarts.get(c);
                int to = from + movesPerCase;
                List<String> commands = new ArrayList<>();
                for (int m = from; m < Math.min(to, from + 2); m++) {
                    commands.addAll(all.get(m).event().commands());
                }
                trials.add(new CaseTrials(cases.get(c), gaps.subList(from, to),
                        converged.isEmpty() ? List.of() : converged.subList(from, to), commands,
                        leftToTimer.isEmpty() ? List.of() : leftToTimer.subList(from, to)));
            }
            ctx.progress().say(what, "stream " + figures.verdict().label() + ", " + figures.bytesLost()
                    + " bytes lost");
            return new Outcome(contender, labId, trials, quietGaps, figures.verdict(), figures.bytesLost(), setup);
        }
    }

    /**
     * {@code perCase} more moves of each case, A's agent recording JFR from their start (for the goals not met, what
     * limits them); not measured. There and back again, so A ends where it started.
     */
    private static void makeProfiledMoves(BenchContext ctx, Lab lab, Agents agents, String labId, List<GapCase> cases,
            Topology topology, int measuredMoves, int perCase) {
        ctx.startRecording(lab, agents, "a", labId);
        long from = System.currentTimeMillis();
        int n = 0;
        for (GapCase c : cases) {
            BackAndForth mover = c.moves(topology, AddressHooks.NONE);
            for (int k = 0; k < perCase; k++) {
                ctx.progress().trial("gap sacip " + c.cliName() + " profiled", "move", k + 1, perCase);
                Pause.until(from + n * SPACING_MS);
                mover.move(measuredMoves + n);
                n++;
            }
        }
        Pause.until(from + n * SPACING_MS);
    }

    private static AddressHooks hooks(GapCase c, Topology topology, Mptcp mptcp) {
        if (mptcp == null) {
            return AddressHooks.NONE;
        }
        return c == GapCase.MBB_SAME_LINK
                ? mptcp.forAddresses(SameLinkMoves.addresses(topology), topology.uplink("a", 0).ifName()) : mptcp;
    }
}
