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
 * Convergence with many sessions: agents in A and B, A with many sessions to B's peer addresses, all bound to
 * keys ({@link ManySessions}); then make-before-break moves between A's uplinks. Per move, followed on A's event feed: from the move's
 * start to the {@code move} event (the inbound rewrite is in: map entries installed) and the {@code converged}
 * event's {@code ms} (from the kernel's address event to the last peer's acknowledgement). Then A's agent's RSS, and
 * again {@value #SETTLE_MS} ms later (the agent gives back what the moves grew once its heap is quiet; not in the
 * quick run);
 * then up to {@value #PROFILED_MOVES} more moves, A's agent recording JFR from their start (what limits the goals; the
 * measured moves and the RSS are of agents without a recording, as they run for users); then {@code nft -f} loading
 * as many map elements as there are sessions, in the same run.
 */
final class ConvergenceRun {
    private static final Duration EVENT_LIMIT = Duration.ofSeconds(120);
    static final long SPACING_MS = 3000;
    static final long AFTER_CONVERGED_MS = 1000;
    /** The second RSS reading after the moves: HeapTrim waits until the heap stayed as it is for 10 s, then trims. */
    static final long SETTLE_MS = 20_000;
    /** The quick run reads it once: its few sessions grow no heap worth a trim, and it must stay within 3 minutes. */
    static final long QUICK_SETTLE_MS = 0;
    /** Classes of A's agent's live heap the report names. */
    static final int LIVE_HEAP_TOP = 6;
    /** Moves after the measured ones (as many, if fewer), recorded with JFR and not measured: 1 s apart. */
    static final int PROFILED_MOVES = 2;

    record Outcome(BenchPlan.Scale scale, String labId, List<Long> installedMicros, List<Long> convergedMs,
            long rssKib, long settledRssKib, long settleMs, String liveHeap, long nftMicros, List<String> commands) {
    }

    /** More measurements in the same lab once the moves are done (its sessions still open and bound). */
    @FunctionalInterface
    interface AfterMoves {
        void measure(Topology topology, Agents agents, List<Endpoint> clients, String labId, int movesMade,
                List<String> commands);
    }

    private ConvergenceRun() {
    }

    /** How long after the moves the RSS is read again. */
    static long settleMs(BenchPlan plan) {
        return plan.quick() ? QUICK_SETTLE_MS : SETTLE_MS;
    }

    /** How many moves are made for the profile after {@code measured} measured ones. */
    static int profiledMoves(int measured) {
        return Math.min(PROFILED_MOVES, measured);
    }

    /** µs from the move's start to the {@code move} event: the inbound rewrite is in. */
    private static long awaitMove(AgentEvents events, long startNanos) {
        return (events.awaitSince("move", startNanos, EVENT_LIMIT).receivedNanos() - startNanos) / 1000;
    }

    /**
     * The {@code converged} event's ms. A make-before-break move is told as two events (the route change, then the
     * address leaving): the second of the last move may still be waiting.
     */
    private static long awaitConverged(AgentEvents events, long startNanos) {
        return events.awaitSince("converged", startNanos, EVENT_LIMIT).fields().path("ms").asLong();
    }

    static Outcome run(BenchContext ctx, BenchPlan.Scale scale, int moves) {
        return run(ctx, scale, moves, null);
    }

    /** With {@code then} (or null) run in the lab after the moves, RSS and nft -f. */
    static Outcome run(BenchContext ctx, BenchPlan.Scale scale, int moves, AfterMoves then) {
        int sessions = scale.sessions();
        String labId = "convergence-" + sessions;
        String what = "convergence " + scale.label();
        ctx.progress().say(what, "building the lab");
        List<String> commands = new ArrayList<>();
        try (Lab lab = new Lab()) {
            Topology topology = TopologyBuilder.build(lab, TopologyKind.ROAMING, Family.IPV4);
            // Without a recording: JFR's buffers and sampling are part of the agent's RSS and CPU while it records.
            Agents agents = ctx.startAgents(lab, labId, false);
            List<Endpoint> clients = ManySessions.open(ctx, what, topology, agents, scale, commands);
            int opened = commands.size();

            UplinkMoves mover = new UplinkMoves(topology, MoveKind.MAKE_BEFORE_BREAK);
            List<Long> installed = new ArrayList<>();
            List<Long> converged = new ArrayList<>();
            int made = 0;
            long rss;
            long settledRss;
            String live;
            ctx.measuring(labId);
            try (AgentEvents events = AgentEvents.follow(agents.control("a").socket())) {
                for (int i = 0; i < moves; i++) {
                    ctx.progress().trial(what, "move", i + 1, moves);
                    long scheduled = System.currentTimeMillis() + SPACING_MS;
                    long start = System.nanoTime();
                    BenchMove move = mover.move(made++);
                    if (i < 2) {
                        commands.addAll(move.event().commands());
                    }
                    try {
                        installed.add(awaitMove(events, start));
                        converged.add(awaitConverged(events, start));
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
                rss = ProcStat.rssKib(agents.pid("a"));
                if (settleMs(ctx.plan()) > 0) {
                    ctx.progress().say(what, "RSS read; again in " + settleMs(ctx.plan()) / 1000 + " s");
                    Pause.ms(settleMs(ctx.plan()));
                    settledRss = ProcStat.rssKib(agents.pid("a"));
                } else {
                    settledRss = rss;
                }
                // After the RSS: the histogram collects first.
                try {
                    live = LiveHeap.of(agents.pid("a"), LIVE_HEAP_TOP).summary(sessions);
                } catch (LabException e) {
                    live = "live heap unknown (" + e.getMessage() + ")";
                }
                commands.add("a: jcmd PID GC.class_histogram   (A's agent, after the RSS was read)");
                ctx.startRecording(lab, agents, "a", labId);
                int profiled = profiledMoves(moves);
                for (int k = 0; k < profiled; k++) {
                    ctx.progress().trial(what + " profiled", "move", k + 1, profiled);
                    long start = System.nanoTime();
                    mover.move(made++);
                    try {
                        awaitConverged(events, start);
                    } catch (LabException e) {
                        ctx.progress().say(what, "profiled move " + (k + 1) + ": " + e.getMessage().lines()
                                .findFirst().orElse(""));
                        break;
                    }
                    Pause.ms(AFTER_CONVERGED_MS);
                }
            }
            lab.addHost("nft");
            NftLoad.Timed nft = NftLoad.time(lab, "nft", sessions, ctx.workDir());
            commands.add(nft.command());
            ctx.progress().say(what, "done");
            Outcome outcome = new Outcome(scale, labId, installed, converged, rss, settledRss, settleMs(ctx.plan()),
                    live, nft.micros(), List.copyOf(commands));
            if (then != null) {
                then.measure(topology, agents, clients, labId, made, new ArrayList<>(commands.subList(0, opened)));
            }
            return outcome;
        }
    }
}
