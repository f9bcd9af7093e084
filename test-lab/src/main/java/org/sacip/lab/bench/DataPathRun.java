package org.sacip.lab.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.sacip.lab.Lab;
import org.sacip.lab.LabException;
import org.sacip.lab.agent.AgentEvents;
import org.sacip.lab.agent.AgentSession;
import org.sacip.lab.agent.Agents;
import org.sacip.lab.move.MoveKind;
import org.sacip.lab.topology.Family;
import org.sacip.lab.topology.Topology;
import org.sacip.lab.topology.TopologyBuilder;
import org.sacip.lab.topology.TopologyKind;
import org.sacip.lab.traffic.Endpoint;

/**
 * What the remap entries cost a flow, with many loaded, through real sessions: A opens N sessions to B (all bound to
 * keys, {@link ManySessions}) plus one iperf3 TCP flow and one iperf3 UDP flow of 64-octet datagrams (every packet
 * a map lookup), then moves make-before-break to its other uplink: the agents remap every one of those sessions (2
 * entries per session on each side). After the move A opens the same two kinds of flow again, which are not remapped.
 * The many sessions then stop sending (their entries stay): each of their client processes sends all its counters in
 * one burst per interval, and with 100,000 sessions a burst every 10 s took the machine for about a second, always
 * in the same window of a pair (a pair takes about as long), which decided the ratios. The iperf3 clients send only
 * while resumed (SIGSTOP/SIGCONT), one flow at a time, remapped and unmapped in turn, a window each; a flow's rate
 * is, for TCP, the octets A's new uplink sent during its window (TCP sends only what B acknowledges), and for UDP the
 * datagrams B's stack delivered to a socket (what A sent can be lost on the way), per pair the ratio remapped /
 * unmapped. Where perf is installed, one more window of each UDP flow is profiled ({@link KernelProfile}).
 */
final class DataPathRun {
    private static final int TCP_REMAPPED = 5201;
    private static final int TCP_UNMAPPED = 5202;
    private static final int UDP_REMAPPED = 5203;
    private static final int UDP_UNMAPPED = 5204;
    /** After a pause, what the flow had queued still leaves: counted in its window. */
    static final long DRAIN_MS = 200;
    /** Symbols named in the kernel profile's summary. */
    private static final int PROFILE_TOP = 6;
    private static final long BOUND_LIMIT_MS = 120_000;
    private static final Duration CONVERGE_LIMIT = Duration.ofSeconds(120);
    private static final long VIEW_LIMIT_MS = 60_000;
    private static final long VIEW_POLL_MS = 2_000;

    record Outcome(BenchPlan.Scale scale, String labId, List<Long> tcpRemappedBps, List<Long> tcpUnmappedBps,
            List<Long> udpRemappedPps, List<Long> udpUnmappedPps, List<String> remapped, List<String> commands,
            String kernelProfile) {
        /** Whether A's agent remapped the TCP flow (control and data) and the UDP datagrams opened before the move. */
        boolean flowsRemapped() {
            return remapped.stream().filter(r -> r.startsWith("tcp ") && r.contains(":" + TCP_REMAPPED + " ")).count()
                    >= 2 && remapped.stream().anyMatch(r -> r.startsWith("udp ") && r.contains(":" + UDP_REMAPPED));
        }
    }

    static final String LAB_ID = "datapath";
    /** In the commands of a run whose windows had the many sessions quiet (earlier runs did not). */
    static final String QUIET_COMMAND = "a: the many sessions' clients stop sending (their sessions and entries stay)";

    private DataPathRun() {
    }

    /** In a lab of its own: the sessions are opened first. */
    static Outcome run(BenchContext ctx, BenchPlan.Scale scale, int pairs, long windowMs) {
        String what = "data path " + scale.label();
        List<String> commands = new ArrayList<>();
        try (Lab lab = new Lab()) {
            Topology topology = TopologyBuilder.build(lab, TopologyKind.ROAMING, Family.IPV4);
            Agents agents = ctx.startAgents(lab, LAB_ID);
            List<Endpoint> clients = ManySessions.open(ctx, what, topology, agents, scale, commands);
            return measure(ctx, LAB_ID, topology, agents, clients, scale, 0, pairs, windowMs, commands);
        }
    }

    /**
     * In a lab whose sessions are open and bound (the convergence case's, so 100,000 sessions are opened once), A on
     * its uplink {@code movesBefore % 2} after that many moves; the lab's commands so far are in {@code commands}, its
     * agents' recording is kept as {@code recordedAs}; {@code clients} send the many sessions' counters.
     */
    static Outcome measure(BenchContext ctx, String recordedAs, Topology topology, Agents agents,
            List<Endpoint> clients, BenchPlan.Scale scale, int movesBefore, int pairs, long windowMs,
            List<String> commands) {
        String labId = LAB_ID;
        String what = "data path " + scale.label();
        Lab lab = topology.lab();
        String b = topology.uplink("b", 0).address();
        for (int port : new int[] {TCP_REMAPPED, TCP_UNMAPPED, UDP_REMAPPED, UDP_UNMAPPED}) {
            PausableIperf.server(lab, "b", port);
            commands.add("b: iperf3 -s -p " + port);
        }
        List<String> tcpR = List.of("-c", b, "-p", Integer.toString(TCP_REMAPPED));
        List<String> udpR = List.of("-c", b, "-p", Integer.toString(UDP_REMAPPED), "-u", "-l", "64", "-b", "0");
        PausableIperf tcpRemapped = PausableIperf.client(lab, "a", tcpR);
        PausableIperf udpRemapped = PausableIperf.client(lab, "a", udpR);
        commands.add(PausableIperf.commandLine("a", tcpR) + "   (then kill -STOP)");
        commands.add(PausableIperf.commandLine("a", udpR) + "   (then kill -STOP)");
        // The iperf3 sessions (TCP control and data, UDP control and datagrams) are bound once older than a
        // second, like the others.
        BoundSessions.await(agents, "a", scale.sessions() + 4, BOUND_LIMIT_MS);
        ctx.progress().say(what, "iperf3 flows open and bound; moving A to uplink " + ((movesBefore + 1) % 2 + 1));
        // After moves back and forth the flows' address is not the many sessions' one: each original address has a
        // move (and a convergence) of its own, and the flows' may end after the other's.
        String flowsAddress = topology.uplink("a", movesBefore % 2).address();
        try (AgentEvents events = AgentEvents.follow(agents.control("a").socket())) {
            BenchMove move = new UplinkMoves(topology, MoveKind.MAKE_BEFORE_BREAK).move(movesBefore);
            commands.addAll(move.event().commands());
            events.await("converged", "original", flowsAddress, CONVERGE_LIMIT);
        }
        // The control socket's view is published a moment after the data path changed (later the more sessions it
        // lists): read until it shows the flows active (remapped and confirmed by B), or the limit.
        long viewDeadline = System.currentTimeMillis() + VIEW_LIMIT_MS;
        List<AgentSession> listed = agents.control("a").sessions();
        List<AgentSession> flows = flowsOpenedBeforeTheMove(listed);
        while ((flows.isEmpty() || !flows.stream().allMatch(DataPathRun::active))
                && System.currentTimeMillis() < viewDeadline) {
            Pause.ms(VIEW_POLL_MS);
            listed = agents.control("a").sessions();
            flows = flowsOpenedBeforeTheMove(listed);
        }
        List<String> remapped = new ArrayList<>();
        for (AgentSession s : flows) {
            String row = s.proto() + " " + s.local() + " -> " + s.remote() + " on the wire from " + s.activeLocal()
                    + " (" + s.state() + ")";
            if (s.remapped()) {
                remapped.add(row);
            }
            if (!active(s)) {
                ctx.progress().say(what, "not active " + VIEW_LIMIT_MS / 1000 + " s after the convergence: " + row);
            }
        }
        if (flows.isEmpty()) {
            ctx.progress().say(what, "A's agent lists " + listed.size() + " sessions, none to port " + TCP_REMAPPED
                    + " or " + UDP_REMAPPED + (listed.isEmpty() ? "" : "; the first: " + listed.get(0)));
        }
        List<String> tcpU = List.of("-c", b, "-p", Integer.toString(TCP_UNMAPPED));
        List<String> udpU = List.of("-c", b, "-p", Integer.toString(UDP_UNMAPPED), "-u", "-l", "64", "-b", "0");
        PausableIperf tcpUnmapped = PausableIperf.client(lab, "a", tcpU);
        PausableIperf udpUnmapped = PausableIperf.client(lab, "a", udpU);
        commands.add(PausableIperf.commandLine("a", tcpU) + "   (after the move; then kill -STOP)");
        commands.add(PausableIperf.commandLine("a", udpU) + "   (after the move; then kill -STOP)");
        clients.forEach(client -> client.send("quiesce"));
        commands.add(QUIET_COMMAND);
        String ifName = topology.uplink("a", (movesBefore + 1) % 2).ifName();
        commands.add("a: kill -CONT PID; " + windowMs + " ms; kill -STOP PID; " + DRAIN_MS + " ms; TCP: tx octets"
                + " of " + ifName + " from ip -s -j link show dev " + ifName + " before and after; UDP: b's Udp"
                + " InDatagrams from cat " + UdpCounters.SOURCE + " before and after");

        if (recordedAs.equals(labId)) {
            ctx.measuring(labId);
        } else {
            ctx.alsoRecorded(recordedAs, labId, System.currentTimeMillis());
        }
        List<Long> tcpRBps = new ArrayList<>();
        List<Long> tcpUBps = new ArrayList<>();
        List<Long> udpRPps = new ArrayList<>();
        List<Long> udpUPps = new ArrayList<>();
        for (int k = 0; k < pairs; k++) {
            ctx.progress().trial(what, "pair", k + 1, pairs);
            // Alternate which goes first, so a drift of the machine's load does not favour one.
            boolean remappedFirst = k % 2 == 0;
            PausableIperf[] tcp = remappedFirst ? new PausableIperf[] {tcpRemapped, tcpUnmapped}
                    : new PausableIperf[] {tcpUnmapped, tcpRemapped};
            for (PausableIperf flow : tcp) {
                long bps = window(lab, ifName, flow, windowMs).sent().txBytes() * 8_000 / windowMs;
                (flow == tcpRemapped ? tcpRBps : tcpUBps).add(bps);
            }
            PausableIperf[] udp = remappedFirst ? new PausableIperf[] {udpRemapped, udpUnmapped}
                    : new PausableIperf[] {udpUnmapped, udpRemapped};
            for (PausableIperf flow : udp) {
                Window counted = window(lab, ifName, flow, windowMs);
                if (counted.received().delivered() == 0) {
                    ctx.progress().say(what, (flow == udpRemapped ? "remapped" : "unmapped") + " UDP flow: a sent "
                            + counted.sent().txPackets() + " packets, b delivered none (b's NoPorts +"
                            + counted.received().noPort() + ")");
                }
                long pps = counted.received().delivered() * 1000 / windowMs;
                (flow == udpRemapped ? udpRPps : udpUPps).add(pps);
            }
        }
        String profile = null;
        if (KernelProfile.available()) {
            ctx.progress().say(what, "perf profile of one window of each UDP flow");
            commands.add(KernelProfile.command(windowMs) + "   (one window of each UDP flow)");
            try {
                KernelProfile remappedProfile = profiledWindow(ctx, lab, udpRemapped, windowMs);
                KernelProfile unmappedProfile = profiledWindow(ctx, lab, udpUnmapped, windowMs);
                profile = "perf, one window of each UDP flow: "
                        + remappedProfile.moreThan(unmappedProfile, PROFILE_TOP);
            } catch (LabException e) {
                // The ratios stand without it; the goal then names the agents' recording, as without perf.
                ctx.progress().say(what, "no kernel profile: " + e.getMessage().lines().findFirst().orElse(""));
            }
        } else {
            ctx.progress().say(what, "perf is not installed: no kernel profile");
        }
        ctx.progress().say(what, "done");
        return new Outcome(scale, labId, tcpRBps, tcpUBps, udpRPps, udpUPps, remapped, commands, profile);
    }

    /** The flow sends while perf records all CPUs; per datagram B's stack delivered meanwhile. */
    private static KernelProfile profiledWindow(BenchContext ctx, Lab lab, PausableIperf flow, long windowMs) {
        flow.resume();
        UdpCounters before = UdpCounters.read(lab, "b");
        String report = KernelProfile.record(ctx.workDir().resolve("datapath-perf.data"), windowMs);
        UdpCounters after = UdpCounters.read(lab, "b");
        flow.pause();
        Pause.ms(DRAIN_MS);
        return KernelProfile.parse(report, Runtime.getRuntime().availableProcessors(), windowMs,
                after.minus(before).delivered());
    }

    private static boolean active(AgentSession session) {
        return "active".equals(session.state());
    }

    private static List<AgentSession> flowsOpenedBeforeTheMove(List<AgentSession> listed) {
        return listed.stream().filter(s -> s.remote().endsWith(":" + TCP_REMAPPED)
                || s.remote().endsWith(":" + UDP_REMAPPED)).toList();
    }

    /** What A's uplink sent and what B's stack delivered in one flow's window. */
    private record Window(LinkCounters sent, UdpCounters received) {
    }

    private static Window window(Lab lab, String ifName, PausableIperf flow, long windowMs) {
        LinkCounters sentBefore = LinkCounters.read(lab, "a", ifName);
        UdpCounters receivedBefore = UdpCounters.read(lab, "b");
        flow.resume();
        Pause.ms(windowMs);
        flow.pause();
        Pause.ms(DRAIN_MS);
        return new Window(LinkCounters.read(lab, "a", ifName).minus(sentBefore),
                UdpCounters.read(lab, "b").minus(receivedBefore));
    }
}
