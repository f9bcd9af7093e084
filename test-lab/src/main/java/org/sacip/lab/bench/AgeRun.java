package org.sacip.lab.bench;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.sacip.lab.Lab;
import org.sacip.lab.scenario.StreamFigures;
import org.sacip.lab.scenario.Verdict;
import org.sacip.lab.topology.Family;
import org.sacip.lab.topology.Topology;
import org.sacip.lab.topology.TopologyBuilder;
import org.sacip.lab.topology.TopologyKind;
import org.sacip.lab.traffic.Endpoint;
import org.sacip.lab.traffic.StreamDrain;
import org.sacip.lab.traffic.StreamReport;
import org.sacip.lab.traffic.TrafficKind;

/**
 * Does a connection survive a move whatever its age? Agents in A and B; per trial one fresh gap stream per age,
 * each client told to connect exactly that long before the planned move ({@code connectAtMs}), then one move of the
 * case's kind (later if a connection came late: every stream is at least its age); 3 s later each stream is checked
 * (survived: open, flowing, nothing lost or corrupted). The actual age (move start minus connected time) is kept.
 */
final class AgeRun {
    private static final int FIRST_PORT = 6000;
    private static final long SETTLE_MS = 3000;
    private static final long START_LIMIT_MS = 60_000;
    private static final long REPORT_LIMIT_MS = 30_000;
    /** Time for the endpoint JVMs to start before the first connection is due. */
    private static final long STARTUP_MS = 3000;

    /** Per age (in the plan's order): 1 survived / 0 not, per trial; and each trial's actual age in ms. */
    record Outcome(GapCase gapCase, String labId, List<List<Long>> survived, List<List<Long>> actualAgesMs,
            List<String> commands) {
    }

    private AgeRun() {
    }

    static Outcome run(BenchContext ctx, GapCase gapCase, List<Long> agesMs, int trials) {
        String labId = "ages-" + gapCase.cliName();
        String what = "ages " + gapCase.cliName();
        List<List<Long>> survived = new ArrayList<>();
        List<List<Long>> actual = new ArrayList<>();
        agesMs.forEach(x -> {
            survived.add(new ArrayList<>());
            actual.add(new ArrayList<>());
        });
        List<String> commands = new ArrayList<>();
        long oldest = Collections.max(agesMs);
        try (Lab lab = new Lab()) {
            Topology topology = TopologyBuilder.build(lab, gapCase.topology(), Family.IPV4);
            ctx.startAgents(lab, labId);
            BackAndForth mover = gapCase.moves(topology);
            String b = topology.uplink("b", 0).address();
            ctx.measuring(labId);
            for (int t = 0; t < trials; t++) {
                ctx.progress().trial(what, "trial", t + 1, trials);
                // A is on address t % 2 of the two it moves between.
                String a = gapCase.topology() == TopologyKind.TWO_HOSTS ? SameLinkMoves.addresses(topology).get(t % 2)
                        : topology.uplink("a", t % 2).address();
                long moveAt = System.currentTimeMillis() + STARTUP_MS + oldest;
                Endpoint[] servers = new Endpoint[agesMs.size()];
                Endpoint[] clients = new Endpoint[agesMs.size()];
                for (int i = 0; i < agesMs.size(); i++) {
                    String service = b + ":" + (FIRST_PORT + 10 * t + i);
                    servers[i] = Endpoint.start(lab, "b", TrafficKind.GAP, true, Map.of("listen", service));
                    servers[i].await("ready", START_LIMIT_MS);
                    String connectAt = Long.toString(moveAt - agesMs.get(i));
                    clients[i] = Endpoint.start(lab, "a", TrafficKind.GAP, false,
                            Map.of("bind", a, "connect", service, "connectAtMs", connectAt));
                    if (t == 0) {
                        commands.add("b: java ... EndpointMain gap server listen=" + service);
                        commands.add("a: java ... EndpointMain gap client bind=" + a + " connect=" + service
                                + " connectAtMs=(move time - " + agesMs.get(i) + " ms)");
                    }
                }
                long[] connectedAt = new long[agesMs.size()];
                long due = moveAt;
                for (int i = 0; i < agesMs.size(); i++) {
                    connectedAt[i] = clients[i].await("connected", START_LIMIT_MS + oldest).path("atMs").asLong();
                    servers[i].await("connected", START_LIMIT_MS);
                    // A connection that came late still gets its full age: ages are lower bounds.
                    due = Math.max(due, connectedAt[i] + agesMs.get(i));
                }
                Pause.until(due);
                BenchMove move = mover.move(t);
                if (t == 0) {
                    commands.addAll(move.event().commands());
                }
                Pause.ms(SETTLE_MS);
                for (int i = 0; i < agesMs.size(); i++) {
                    actual.get(i).add(move.event().startMs() - connectedAt[i]);
                    survived.get(i).add(survived(clients[i], servers[i]) ? 1L : 0L);
                    clients[i].close();
                    servers[i].close();
                }
            }
            ctx.progress().say(what, "done");
        }
        return new Outcome(gapCase, labId, survived, actual, commands);
    }

    private static boolean survived(Endpoint client, Endpoint server) {
        client.send("quiesce");
        server.send("quiesce");
        client.await("quiesced", REPORT_LIMIT_MS);
        server.await("quiesced", REPORT_LIMIT_MS);
        StreamDrain.drain(List.of(client, server));
        StreamReport c = client.report(REPORT_LIMIT_MS);
        StreamReport s = server.report(REPORT_LIMIT_MS);
        return new StreamFigures(c, s).verdict() == Verdict.SURVIVED;
    }
}
