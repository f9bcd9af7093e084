package org.sacip.lab.bench;

import java.util.List;
import java.util.Map;
import org.sacip.lab.Lab;
import org.sacip.lab.agent.Agents;
import org.sacip.lab.topology.Family;
import org.sacip.lab.topology.Topology;
import org.sacip.lab.topology.TopologyBuilder;
import org.sacip.lab.topology.TopologyKind;
import org.sacip.lab.traffic.Endpoint;
import org.sacip.lab.traffic.TrafficKind;

/**
 * What an idle agent costs (no JFR recording here: its sampling would show): A's agent's CPU time (utime + stime of /proc/PID/stat, all threads) over a window after
 * a warm-up, first with no session, then with N idle TCP sessions to B (one counter round trip each when opened,
 * then silent) all bound to keys; and its RSS at both points. Then B's agent is killed and restarted a few times
 * for more start-to-ready times.
 */
final class IdleRun {
    private static final int PORT = 5001;
    /** A silent session: the first counter round trip, then nothing for an hour. */
    private static final String SILENT_MS = "3600000";
    private static final long START_LIMIT_MS = 300_000;
    private static final long BOUND_LIMIT_MS = 300_000;
    /** The recordings GoalCheck profiles a start and an idle agent with. */
    static final String STARTUP_PROFILE = "startup-b";
    static final String IDLE_PROFILE = "idle-b";

    record Outcome(String labId, int seconds, int sessions, long cpuMicrosIdle, long cpuMicrosWithSessions,
            long rssKibIdle, long rssKibWithSessions, List<String> commands) {
    }

    private IdleRun() {
    }

    static Outcome run(BenchContext ctx, int seconds, int sessions, int restarts) {
        String labId = "idle";
        String what = "idle cpu";
        long warmUpMs = warmUpMs(ctx.plan());
        try (Lab lab = new Lab()) {
            Topology topology = TopologyBuilder.build(lab, TopologyKind.ROAMING, Family.IPV4);
            Agents agents = ctx.startAgents(lab, labId, false);
            long pid = agents.pid("a");
            ctx.progress().say(what, "no sessions: " + warmUpMs + " ms warm-up, then " + seconds + " s measured");
            Pause.ms(warmUpMs);
            long idle = cpuOver(pid, seconds);
            long rssIdle = ProcStat.rssKib(pid);

            String b = topology.uplink("b", 0).address() + ":" + PORT;
            Endpoint server = Endpoint.start(lab, "b", TrafficKind.MANY, true,
                    Map.of("listen", b, "count", Integer.toString(sessions)));
            server.await("ready", START_LIMIT_MS);
            Endpoint client = Endpoint.start(lab, "a", TrafficKind.MANY, false, Map.of("bind",
                    topology.uplink("a", 0).address(), "connect", b, "count", Integer.toString(sessions),
                    "intervalMs", SILENT_MS));
            client.await("connected", START_LIMIT_MS);
            BoundSessions.await(agents, "a", sessions, BOUND_LIMIT_MS);
            ctx.progress().say(what, sessions + " idle sessions bound: " + warmUpMs + " ms warm-up, then " + seconds
                    + " s measured");
            Pause.ms(warmUpMs);
            long busy = cpuOver(pid, seconds);
            long rssBusy = ProcStat.rssKib(pid);
            for (int i = 0; i < restarts; i++) {
                ctx.progress().trial("start to ready", "restart of B's agent", i + 1, restarts);
                agents.killHard("b");
                agents.restart("b");
                ctx.startedWithoutRecording(agents.startToReadyMicros("b"));
            }
            // A profile for the goals: B restarted with a recording, from its start (start-to-ready) and, after the
            // warm-up, idle with its N sessions (idle CPU). The figures above were taken without one.
            ctx.restartRecording(lab, agents, "b", STARTUP_PROFILE);
            ctx.progress().say(what, "B's agent restarted with a JFR recording: " + warmUpMs + " ms warm-up, then "
                    + seconds + " s idle for the profile");
            Pause.ms(warmUpMs);
            ctx.alsoRecorded(STARTUP_PROFILE, IDLE_PROFILE, System.currentTimeMillis());
            Pause.ms(seconds * 1000L);
            List<String> commands = List.of("b: java ... EndpointMain many server listen=" + b + " count=" + sessions,
                    "a: java ... EndpointMain many client bind=" + topology.uplink("a", 0).address() + " connect="
                            + b + " count=" + sessions + " intervalMs=" + SILENT_MS,
                    "host: cat /proc/PID/stat (utime + stime) before and after " + seconds + " s; VmRSS of"
                            + " /proc/PID/status");
            return new Outcome(labId, seconds, sessions, idle, busy, rssIdle, rssBusy, commands);
        }
    }

    /**
     * Before each measurement: the agent settles after a start or after the sessions were bound. Its own warm-up
     * (docs/AGENT.md, Start-up and memory) ends some 6-9 s after ready in the lab (debug logging on), and the JIT's
     * compilations of what it ran follow: 20 s keep all of it out of the measured minute.
     */
    static long warmUpMs(BenchPlan plan) {
        return plan.quick() ? 2000 : 20_000;
    }

    private static long cpuOver(long pid, int seconds) {
        long before = ProcStat.cpuMicros(pid);
        Pause.ms(seconds * 1000L);
        return ProcStat.cpuMicros(pid) - before;
    }
}
