package org.sacip.lab.scenario;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.sacip.lab.Lab;
import org.sacip.lab.LabException;
import org.sacip.lab.agent.AgentLauncher;
import org.sacip.lab.agent.Agents;
import org.sacip.lab.move.MoveEvent;
import org.sacip.lab.move.MoveStep;
import org.sacip.lab.move.Mover;
import org.sacip.lab.topology.Topology;
import org.sacip.lab.topology.TopologyBuilder;
import org.sacip.lab.topology.Uplink;
import org.sacip.lab.traffic.Endpoint;
import org.sacip.lab.traffic.StreamDrain;
import org.sacip.lab.traffic.StreamReport;

/**
 * Runs a scenario end to end in a fresh lab: topology, agents in A and B when present and wanted, one verified
 * stream A->B opened before the first move, the moves, then the figures (and the scenario's afterStream actions).
 * The lab is always torn down.
 */
public final class ScenarioRunner {
    /** The stream's port on B (a scenario's firewall lets it in). */
    public static final int PORT = 5001;
    private static final long START_LIMIT_MS = 60_000;
    private static final long REPORT_LIMIT_MS = 30_000;
    /** With agents at both ends, how long past the lead the first move waits for their key agreement. */
    public static final long KEY_LIMIT_MS = 15_000;

    private final Path projectRoot;
    private final PrintStream progress;
    private final Map<String, AgentLauncher> launchers;

    /** progress: where to say what happens, step by step (null for quiet). */
    public ScenarioRunner(Path projectRoot, PrintStream progress) {
        this(projectRoot, progress, Map.of());
    }

    /**
     * With the agents of the hosts named in {@code launchers} started by their launcher (such as a
     * {@link org.sacip.lab.agent.SandboxedAgent}); those agents must start, where plain agents are left out when
     * bin/sacip-agent is not built.
     */
    public ScenarioRunner(Path projectRoot, PrintStream progress, Map<String, AgentLauncher> launchers) {
        this.projectRoot = projectRoot;
        this.progress = progress;
        this.launchers = Map.copyOf(launchers);
    }

    public ScenarioResult run(Scenario scenario) {
        try (Lab lab = new Lab()) {
            return run(scenario, lab);
        }
    }

    private ScenarioResult run(Scenario scenario, Lab lab) {
        say("building the " + scenario.topology().cliName() + " lab (" + scenario.family() + ")");
        Topology topology = TopologyBuilder.build(lab, scenario.topology(), scenario.family());
        Agents agents = !scenario.agents() ? Agents.none(lab, "no agent: this run was asked to go without agents")
                : launchers.isEmpty() ? Agents.startIfPresent(lab, projectRoot, scenario.agentHosts())
                : Agents.start(lab, projectRoot, scenario.agentHosts(), launchers);
        say(agents.note());
        Mover mover = new Mover(topology);
        ScenarioContext context = new ScenarioContext(lab, topology, agents, mover);
        runAll(scenario.beforeStream(), context);
        Uplink a = topology.uplink("a", 0);
        Uplink b = topology.uplink("b", 0);
        String service = (b.address().contains(":") ? "[" + b.address() + "]" : b.address()) + ":" + PORT;
        String count = Integer.toString(scenario.connections());

        Endpoint server = Endpoint.start(lab, "b", scenario.traffic(), true, Map.of("listen", service, "count", count));
        server.await("ready", START_LIMIT_MS);
        Endpoint client = Endpoint.start(lab, "a", scenario.traffic(), false,
                Map.of("bind", a.address(), "connect", service, "count", count));
        String tuple = client.await("connected", START_LIMIT_MS).path("tuple").asText();
        server.await("connected", START_LIMIT_MS);
        say("stream " + scenario.traffic().cliName() + " open: " + tuple);

        sleep(scenario.leadMs());
        awaitKeys(agents);
        List<MoveEvent> moves = new ArrayList<>();
        for (MoveStep step : scenario.moves().steps()) {
            sleep(step.pauseBeforeMs());
            MoveEvent event = mover.move(step);
            moves.add(event);
            say("moved " + step.host() + " from uplink " + event.fromUplink() + " to uplink " + event.toUplink()
                    + " (" + step.kind().name().toLowerCase(java.util.Locale.ROOT).replace('_', '-') + ")");
        }
        runAll(scenario.afterMoves(), context);
        sleep(scenario.settleMs());

        client.send("quiesce");
        server.send("quiesce");
        long quiescedAt = client.await("quiesced", REPORT_LIMIT_MS).path("atMs").asLong();
        server.await("quiesced", REPORT_LIMIT_MS);
        StreamDrain.drain(List.of(client, server));
        StreamReport clientReport = client.report(REPORT_LIMIT_MS);
        StreamReport serverReport = server.report(REPORT_LIMIT_MS);

        List<String> sessions = new ArrayList<>();
        for (String host : List.of("a", "b")) {
            String out = agents.sessions(host);
            if (out != null) {
                sessions.add(host + ":\n" + out.strip());
            }
        }
        StreamFigures figures = new StreamFigures(clientReport, serverReport);
        Verdict verdict = figures.verdict();
        if (verdict != Verdict.SURVIVED) {
            for (String host : scenario.agentHosts()) {
                if (agents.running()) {
                    say("agent log of " + host + " (end):\n" + agents.logTail(host));
                }
            }
        }
        ScenarioResult result = new ScenarioResult(scenario.name(), scenario.topology().cliName(), scenario.family().name(),
                scenario.traffic().cliName(), scenario.moves().name(), agents.running(), agents.note(),
                verdict.label(), verdict == Verdict.SURVIVED, figures.maxGapMs(),
                clientReport.bytesSent() + serverReport.bytesSent(),
                clientReport.bytesReceived() + serverReport.bytesReceived(), figures.bytesLost(),
                figures.bytesCorrupted(), clientReport.sendErrors() + serverReport.sendErrors(), figures.failure(),
                figures.hashesMatch(), clientReport.startTuple(), clientReport.endTuple(), clientReport.startMs(),
                quiescedAt, figures.perMove(moves, quiescedAt), sessions, clientReport, serverReport);
        runAll(scenario.afterStream(), context);
        return result;
    }

    /**
     * On a loaded machine the agents' first scan can come later than the lead allows for; a move before the keys
     * are agreed is a different scenario (peer of unknown capability), so with agents at both ends the first move
     * waits for the agreement, and says how long that took.
     */
    private void awaitKeys(Agents agents) {
        if (!agents.runningIn("a") || !agents.runningIn("b")) {
            return;
        }
        long start = System.currentTimeMillis();
        while (!agents.keyAgreed("a") || !agents.keyAgreed("b")) {
            if (System.currentTimeMillis() - start > KEY_LIMIT_MS) {
                say("no key agreed between the agents within " + KEY_LIMIT_MS + " ms: moving anyway");
                return;
            }
            sleep(100);
        }
        say("keys agreed between the agents (" + (System.currentTimeMillis() - start) + " ms after the lead)");
    }

    private void runAll(List<ScenarioAction> actions, ScenarioContext context) {
        for (ScenarioAction action : actions) {
            say(action.description());
            action.run(context);
        }
    }

    private void say(String line) {
        if (progress != null) {
            progress.println("  " + line);
            progress.flush();
        }
    }

    private static void sleep(long ms) {
        if (ms <= 0) {
            return;
        }
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LabException("interrupted", e);
        }
    }
}
