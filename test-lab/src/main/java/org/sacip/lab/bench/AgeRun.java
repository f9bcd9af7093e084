package org.sacip.lab.bench;

import java.util.ArrayList;
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
 * opened so that each is that old (at least) when A moves, then one move of the case's kind; 3 s later each stream
 * is checked (survived: open, flowing, nothing lost or corrupted). The oldest stream is opened first; the move waits
 * until every stream has reached its age, so ages are lower bounds and the actual ones are kept.
 */
final class AgeRun {
    private static final int FIRST_PORT = 6000;
    private static final long SETTLE_MS = 3000;
    private static final long START_LIMIT_MS = 60_000;
    private static final long REPORT_LIMIT_MS = 30_000;
    /** How long an endpoint JVM takes from start to connected here, before the first one is measured. */
    private static final long FIRST_START_GUESS_MS = 1500;

    /** Per age (in the plan's order): 1 survived / 0 not, per trial; and each trial's actual age in ms. */
    record Outcome(GapCase gapCase, String labId, List<List<Long>> survived, List<List<Long>> actualAgesMs) {
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
        // Oldest first: it is opened first.
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < agesMs.size(); i++) {
            order.add(i);
        }
        order.sort((x, y) -> Long.compare(agesMs.get(y), agesMs.get(x)));
        try (Lab lab = new Lab()) {
            Topology topology = TopologyBuilder.build(lab, gapCase.topology(), Family.IPV4);
            ctx.startAgents(lab, labId);
            BackAndForth mover = gapCase.moves(topology);
            String b = topology.uplink("b", 0).address();
            long startGuess = FIRST_START_GUESS_MS;
            ctx.measuring(labId);
            for (int t = 0; t < trials; t++) {
                ctx.progress().trial(what, "trial", t + 1, trials);
                String a = topology.uplink("a", t % 2).address();
                if (gapCase.topology() == TopologyKind.TWO_HOSTS) {
                    a = SameLinkMoves.addresses(topology).get(t % 2);
                }
                Endpoint[] servers = new Endpoint[agesMs.size()];
                Endpoint[] clients = new Endpoint[agesMs.size()];
                long[] connectedAt = new long[agesMs.size()];
                long moveAt = 0;
                for (int i : order) {
                    String service = b + ":" + (FIRST_PORT + 10 * t + i);
                    servers[i] = Endpoint.start(lab, "b", TrafficKind.GAP, true, Map.of("listen", service));
                    servers[i].await("ready", START_LIMIT_MS);
                    if (moveAt > 0) {
                        // Start the client so that it connects about when this age is reached at the planned move.
                        Pause.until(moveAt - agesMs.get(i) - startGuess);
                    }
                    long started = System.currentTimeMillis();
                    clients[i] = Endpoint.start(lab, "a", TrafficKind.GAP, false,
                            Map.of("bind", a, "connect", service));
                    connectedAt[i] = clients[i].await("connected", START_LIMIT_MS).path("atMs").asLong();
                    servers[i].await("connected", START_LIMIT_MS);
                    startGuess = connectedAt[i] - started;
                    moveAt = Math.max(moveAt, connectedAt[i] + agesMs.get(i));
                }
                Pause.until(moveAt);
                BenchMove move = mover.move(t);
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
        return new Outcome(gapCase, labId, survived, actual);
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
