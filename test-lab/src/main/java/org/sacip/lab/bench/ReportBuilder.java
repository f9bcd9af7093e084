package org.sacip.lab.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.sacip.lab.bench.report.BenchReport;
import org.sacip.lab.bench.report.Figure;
import org.sacip.lab.bench.report.Goal;
import org.sacip.lab.bench.report.RunEnvironment;
import org.sacip.lab.bench.report.Section;
import org.sacip.lab.bench.report.Unit;
import org.sacip.lab.scenario.Verdict;

/** Turns what a run measured into the report's sections (figures, commands, notes); the goals are {@link GoalCheck}'s. */
final class ReportBuilder {
    private final BenchContext ctx;
    private final BenchOutcomes out;

    ReportBuilder(BenchContext ctx, BenchOutcomes out) {
        this.ctx = ctx;
        this.out = out;
    }

    BenchReport build(RunEnvironment environment, List<String> commands, List<Goal> goals) {
        List<Section> sections = new ArrayList<>();
        if (ctx.plan().runs("gap")) {
            sections.add(gaps());
        }
        if (ctx.plan().runs("ages")) {
            sections.add(ages());
        }
        if (ctx.plan().runs("convergence")) {
            sections.add(convergence());
        }
        if (ctx.plan().runs("datapath")) {
            sections.add(dataPath());
        }
        sections.add(resources());
        if (!out.failures.isEmpty()) {
            sections.add(new Section("failures", "Cases that failed", "These cases did not finish; their figures"
                    + " are missing above.", List.of(), null, List.of(), out.failures));
        }
        return new BenchReport(BenchReport.SCHEMA, BenchReport.VERSION, ctx.plan().quick(), environment, commands,
                sections, goals);
    }

    /** The figure saying whether a gap run's stream survived (1) or not (0). */
    static String streamId(String labId) {
        return "stream." + labId;
    }

    /** The gap figure of a run's windows with no move. */
    static String quietId(String labId) {
        return "quiet." + labId;
    }

    /** The figure giving a gap run's stream's bytes lost. */
    static String lostId(String labId) {
        return "lost." + labId;
    }

    static String gapId(GapCase gapCase, Contender contender) {
        return "gap." + gapCase.cliName() + "." + contender.id();
    }

    private Section gaps() {
        List<Figure> figures = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        for (GapCase gapCase : GapCase.values()) {
            for (Contender contender : BenchRunner.contenders(ctx.plan())) {
                GapRun.CaseTrials trials = out.trials(contender, gapCase);
                if (trials != null) {
                    figures.add(new Figure(gapId(gapCase, contender), gapCase.title() + ": " + contender.label(),
                            Unit.MICROS, trials.gapMicros(), null));
                }
            }
            GapRun.CaseTrials sacip = out.trials(Contender.sacip(), gapCase);
            if (sacip != null && !sacip.convergedMs().isEmpty()) {
                figures.add(new Figure("converged." + gapCase.cliName(), gapCase.title() + ": SACIP converged",
                        Unit.MILLIS, sacip.convergedMs(), "A's agent: kernel address event to the peer's"
                                + " acknowledgement"));
            }
        }
        List<String> commands = new ArrayList<>();
        for (GapRun.Outcome run : out.gaps) {
            String streamOf = run.contender().label() + ", " + run.cases().stream().map(c -> c.gapCase().cliName())
                    .toList();
            if (!run.quietGapMicros().isEmpty()) {
                figures.add(new Figure(quietId(run.labId()), streamOf + ": no move", Unit.MICROS,
                        run.quietGapMicros(), "the same figure over " + GapRun.SPACING_MS + " ms windows before the"
                                + " first move, nothing moving"));
            }
            figures.add(new Figure(streamId(run.labId()), streamOf + ": the stream survived", Unit.SURVIVED,
                    List.of(run.verdict() == Verdict.SURVIVED ? 1L : 0L), run.verdict().label()));
            figures.add(new Figure(lostId(run.labId()), streamOf + ": bytes lost", Unit.COUNT,
                    List.of(run.bytesLost()), null));
            notes.add(run.contender().label() + ", " + run.cases().stream().map(c -> c.gapCase().cliName()).toList()
                    + ": the stream " + run.verdict().label() + ", " + run.bytesLost() + " bytes lost");
            if (!run.contender().id().equals("none") && (run.contender().agents()
                    || run.contender().staleLossCount() == ctx.plan().staleLossCounts().get(0))) {
                commands.add("# " + run.contender().label() + ", " + run.cases().stream()
                        .map(c -> c.gapCase().cliName()).toList());
                commands.addAll(run.setup());
                for (GapRun.CaseTrials c : run.cases()) {
                    commands.add("# " + c.gapCase().cliName() + ": the first move and the move back");
                    commands.addAll(c.moveCommands());
                }
            }
        }
        String text = "One gap stream A -> B per lab (8-byte counters every 2 ms in both directions, checked in"
                + " order), a 4 s lead (with agents, until A's agent has bound the stream to a key, if later), then "+ ctx.plan().gapMoves() + " moves per case, back and forth, "
                + GapRun.SPACING_MS + " ms apart on a fixed schedule; the uplink cases run one after the other on the"
                + " same stream. The gap of a move is the longest time between two consecutive counters received,"
                + " in either direction, overlapping the time from the move's start to the next move's, measured by"
                + " the receiving endpoint at µs resolution. The same moves, topology and traffic run with SACIP"
                + " agents, with MPTCP (for each stale_loss_cnt) and with nothing; without an agent the stream dies"
                + " at the first move, so that contender makes only " + ctx.plan().noAgentMoves() + " move(s) per case,"
                + " each in a fresh lab. Before its first move, each run with agents or MPTCP measures the same figure"
                + " over windows of the same length with nothing moving (\"no move\"): the floor set by this"
                + " machine, the endpoints' JVMs and the contender, below which no move's gap can be told apart."
                + " The agents record no JFR while the stream is measured (on 2026-12-05 its sampling stalled the"
                + " stream for up to 27 ms with nothing moving); the profiles for the goals come from "
                + GapRun.profiledMoves(ctx.plan().gapMoves()) + " more moves per case made afterwards, not measured.";
        return new Section("gap", "Handover gap per move", text, figures, "gap.png", commands, notes);
    }

    private Section ages() {
        List<Figure> figures = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        List<String> commands = new ArrayList<>();
        for (AgeRun.Outcome run : out.ages) {
            for (int i = 0; i < ctx.plan().agesMs().size(); i++) {
                long age = ctx.plan().agesMs().get(i);
                figures.add(new Figure("age." + run.gapCase().cliName() + "." + age, run.gapCase().title()
                        + ", connection " + seconds(age) + " s old", Unit.SURVIVED, run.survived().get(i), null));
                figures.add(new Figure("key." + run.gapCase().cliName() + "." + age, run.gapCase().title()
                        + ", connection " + seconds(age) + " s old: key agreed", Unit.MICROS, run.keyMicros().get(i),
                        "client's connect() to the time of A's key event for its peer"));
                Figure keys = new Figure("", "", Unit.MICROS, run.keyMicros().get(i), null);
                if (keys.percentile(50) != null && out.rtt != null && out.rtt.medianMicros() > 0) {
                    notes.add(run.gapCase().cliName() + ", nominal " + seconds(age) + " s: key agreed after "
                            + roundTrips(keys.percentile(50)) + " (median) / " + roundTrips(keys.max()) + " (max) of"
                            + " the lab's median RTT, " + keys.missing() + " connection(s) without a key by the check");
                }
                List<Long> actual = run.actualAgesMs().get(i).stream().sorted().toList();
                if (!actual.isEmpty()) {
                    notes.add(run.gapCase().cliName() + ", nominal " + seconds(age) + " s: actual ages at the move "
                            + actual.get(0) + ".." + actual.get(actual.size() - 1) + " ms");
                }
            }
            commands.add("# " + run.gapCase().cliName() + ": one gap stream per age per trial, then one move of A");
            commands.addAll(run.commands());
        }
        String text = "Agents in A and B; B has a peer address for every connection of the case (198.18.10.3 up), so"
                + " each connection is the first one to its peer and no key exists for it when it opens. Per move, "
                + ctx.plan().ageLanes() + " gap stream(s) per age, each client told to connect that long before the"
                + " planned move (`connectAtMs`), then one move; 3 s later each stream is checked: survived means"
                + " open, flowing, nothing lost or corrupted. " + ctx.plan().ageMoves() + " move(s), so "
                + ctx.plan().ageConnections() + " connection(s) per age. Key agreed: from the client's connect() call"
                + " (the SYN; its own clock, µs) to the time A's agent gives its `key` event for that peer (the"
                + " event's own time, the same clock; not when the bench read it, which would add the bench's own"
                + " wait for a core), so it includes the TCP handshake's round trip; also given in round trips of the"
                + " lab's median RTT (no other RTT can be emulated here).";
        return new Section("ages", "Survival by connection age", text, figures, null, commands, notes);
    }

    private Section convergence() {
        List<Figure> figures = new ArrayList<>();
        List<String> commands = new ArrayList<>();
        for (ConvergenceRun.Outcome run : out.convergence) {
            String label = run.scale().label();
            int n = run.scale().sessions();
            figures.add(new Figure("convergence.converged." + n, label + ": converged", Unit.MILLIS, run.convergedMs(),
                    "A's converged event: kernel address event to the last peer's acknowledgement"));
            figures.add(new Figure("convergence.installed." + n, label + ": map entries installed", Unit.MICROS,
                    run.installedMicros(), "from the move's start to A's move event (inbound rewrite in)"));
            figures.add(new Figure("convergence.nft." + n, label + ": nft -f of " + String.format(Locale.ROOT, "%,d", n)
                    + " map elements", Unit.MICROS, List.of(run.nftMicros()), "same run, an empty namespace"));
            commands.add("# " + label);
            commands.addAll(run.commands());
        }
        String text = "Agents in A and B; B has one address per peer on its uplink; A opens the sessions to them"
                + " (ManyConnections: a counter per session every max(100 ms, sessions/10 ms)), waits until every"
                + " session is bound to a key, then makes make-before-break moves (" + movesPerScale()
                + ") between its uplinks, at least 3 s apart and 1 s after the last one converged. Figures are taken"
                + " from A's event feed; the agents record no JFR meanwhile (its buffers would count in the RSS"
                + " read after the moves" + (ConvergenceRun.settleMs(ctx.plan()) > 0 ? ", and again "
                + ConvergenceRun.settleMs(ctx.plan()) / 1000 + " s later" : "") + ", its sampling in their times)."
                + " The profiles for the goals come from up to "
                + ConvergenceRun.PROFILED_MOVES + " more moves made afterwards, 1 s after each converged, not"
                + " measured. nft -f loads the same number of elements into a map typed as the agent's"
                + " outsrc4, in the same run (the time includes starting nft).";
        return new Section("convergence", "Convergence with many sessions", text, figures, "convergence.png",
                commands, List.of());
    }

    private String movesPerScale() {
        return ctx.plan().scales().stream()
                .map(s -> s.moves() + " at " + String.format(Locale.ROOT, "%,d", s.sessions()) + " sessions")
                .collect(java.util.stream.Collectors.joining(", "));
    }

    private Section resources() {
        List<Figure> figures = new ArrayList<>();
        List<String> commands = new ArrayList<>();
        figures.add(new Figure("start-to-ready", "bin/sacip-agent start to control socket answering", Unit.MICROS,
                ctx.startToReadyMicros(), "every agent started without a JFR recording in this run, all with the"
                        + " class-data archive, written first by an unmeasured start and stop"));
        if (out.idle != null) {
            IdleRun.Outcome idle = out.idle;
            figures.add(new Figure("idle-cpu.0", "idle CPU, no session", Unit.PPM,
                    List.of(idle.cpuMicrosIdle() / idle.seconds()), idle.seconds() + " s, utime + stime"));
            figures.add(new Figure("idle-cpu." + idle.sessions(), "idle CPU, " + idle.sessions() + " idle sessions",
                    Unit.PPM, List.of(idle.cpuMicrosWithSessions() / idle.seconds()), idle.seconds() + " s"));
            figures.add(new Figure("rss.0", "RSS, no session", Unit.KIB, List.of(idle.rssKibIdle()), null));
            figures.add(new Figure("rss." + idle.sessions(), "RSS, " + idle.sessions() + " idle sessions", Unit.KIB,
                    List.of(idle.rssKibWithSessions()), null));
            commands.addAll(idle.commands());
        }
        for (ConvergenceRun.Outcome run : out.convergence) {
            figures.add(new Figure("rss." + run.scale().sessions(), "RSS, " + run.scale().label() + ", after the moves",
                    Unit.KIB, List.of(run.rssKib()), "no JFR recording"));
            if (run.settleMs() == 0) {
                continue;
            }
            figures.add(new Figure("rss-settled." + run.scale().sessions(), "RSS, " + run.scale().label() + ", "
                    + run.settleMs() / 1000 + " s later", Unit.KIB, List.of(run.settledRssKib()),
                    "after the 10 s of an unchanged heap that the agent's HeapTrim waits for"));
        }
        String text = "A's agent process: CPU time (utime + stime of /proc/PID/stat, all threads, 10 ms ticks) over "
                + ctx.plan().idleSeconds() + " s after a warm-up, with no session and with idle sessions (no JFR"
                + " recording: its sampling would show); RSS (VmRSS); the time from starting"
                + " `ip netns exec NS bin/sacip-agent` to its first answer on the control socket (polled every few"
                + " ms), for every agent started without a recording, including restarts of B's agent after a kill.";
        return new Section("resources", "Agent resources", text, figures, null, commands, List.of());
    }

    private Section dataPath() {
        List<Figure> figures = new ArrayList<>();
        List<String> commands = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        DataPathRun.Outcome run = out.dataPath;
        if (run != null) {
            figures.add(new Figure("datapath.tcp-remapped", "TCP, remapped flow", Unit.BITS_PER_SECOND,
                    run.tcpRemappedBps(), null));
            figures.add(new Figure("datapath.tcp-unmapped", "TCP, unmapped flow", Unit.BITS_PER_SECOND,
                    run.tcpUnmappedBps(), null));
            figures.add(new Figure("datapath.tcp-ratio", "TCP throughput, remapped / unmapped", Unit.PPM,
                    ratios(run.tcpRemappedBps(), run.tcpUnmappedBps()), "per pair"));
            figures.add(new Figure("datapath.udp-remapped", "UDP 64 octets, remapped flow", Unit.PER_SECOND,
                    run.udpRemappedPps(), "packets"));
            figures.add(new Figure("datapath.udp-unmapped", "UDP 64 octets, unmapped flow", Unit.PER_SECOND,
                    run.udpUnmappedPps(), "packets"));
            figures.add(new Figure("datapath.udp-ratio", "UDP packet rate, remapped / unmapped", Unit.PPM,
                    ratios(run.udpRemappedPps(), run.udpUnmappedPps()), "per pair"));
            commands.addAll(run.commands());
            notes.add("A's agent lists the flows opened before the move as: " + (run.remapped().isEmpty()
                    ? "(none: they were not remapped)" : String.join("; ", run.remapped())));
        }
        String scale = run == null ? "" : " with " + run.scale().label();
        String where = BenchRunner.dataPathInConvergenceLab(ctx.plan()) ? " (in the convergence lab of that size,"
                + " after its moves)" : "";
        String text = "Entries loaded through real sessions" + scale + where + ": A opens them (all bound to keys) plus"
                + " one iperf3 TCP flow and one iperf3 UDP flow of 64-octet datagrams (so every packet costs a map"
                + " lookup), then moves to its other uplink, so the agents remap every session; after the move A opens the"
                + " same two flows again, unmapped. Each client sends only while resumed (SIGCONT ... SIGSTOP), one"
                + " flow at a time, remapped and unmapped in turn (which goes first alternates), "
                + ctx.plan().dataPathPairs() + " pair(s) of " + ctx.plan().dataPathWindowMs() + " ms windows; a"
                + " flow's rate is, for TCP, the octets A's uplink sent in its window (TCP sends only what B acknowledges), for"
                + " UDP the datagrams B's stack delivered to a socket (Udp InDatagrams). Offloads"
                + " stay on: the 64-octet UDP flow is the per-packet case."
                + (run != null && run.commands().contains(DataPathRun.QUIET_COMMAND) ? " Before the windows the"
                        + " many sessions stop sending (their sessions and entries stay): each of their clients sends"
                        + " all its counters in one burst per interval, and such a burst, always in the same window of"
                        + " a pair, decided the ratios." : "");
        return new Section("datapath", "Data-path cost with many entries", text, figures, null, commands, notes);
    }

    /** Per pair, a / b in parts per million (null where b is 0 or missing). */
    static List<Long> ratios(List<Long> a, List<Long> b) {
        List<Long> ratios = new ArrayList<>();
        for (int i = 0; i < Math.min(a.size(), b.size()); i++) {
            Long x = a.get(i);
            Long y = b.get(i);
            ratios.add(x == null || y == null || y == 0 ? null : Math.round(x * 1e6 / y));
        }
        return ratios;
    }

    private String roundTrips(long micros) {
        return String.format(Locale.ROOT, "%.1f ms = %.1f RTT", micros / 1000.0,
                micros / (double) out.rtt.medianMicros());
    }

    private static String seconds(long ms) {
        return String.format(Locale.ROOT, "%.1f", ms / 1000.0);
    }
}
