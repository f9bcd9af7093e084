package org.sacip.lab.bench;

import java.util.ArrayList;
import java.util.List;
import org.sacip.lab.Lab;
import org.sacip.lab.LabException;
import org.sacip.lab.bench.report.RunEnvironment;
import org.sacip.lab.topology.Family;
import org.sacip.lab.topology.Topology;
import org.sacip.lab.topology.TopologyBuilder;
import org.sacip.lab.topology.TopologyKind;

/**
 * Runs the cases of a plan, each in labs of its own, one after the other, and collects what they measured. A case
 * that fails is recorded as failed (its figures missing) and the run goes on with the next one.
 */
final class BenchRunner {
    static final List<GapCase> UPLINK_CASES = List.of(GapCase.MBB_UPLINKS, GapCase.BBM_UPLINKS,
            GapCase.BBM_UPLINKS_300);
    private static final int RTT_SAMPLES = 100;

    private final BenchContext ctx;

    BenchRunner(BenchContext ctx) {
        this.ctx = ctx;
    }

    /** The contenders of the gap comparison: SACIP, MPTCP with each stale_loss_cnt of the plan, nothing. */
    static List<Contender> contenders(BenchPlan plan) {
        List<Contender> list = new ArrayList<>();
        list.add(Contender.sacip());
        plan.staleLossCounts().forEach(n -> list.add(Contender.mptcp(n)));
        list.add(Contender.none());
        return list;
    }

    BenchOutcomes run() {
        BenchPlan plan = ctx.plan();
        BenchOutcomes out = new BenchOutcomes();
        attempt(out, "rtt", () -> out.rtt = rtt());
        if (plan.runs("gap")) {
            for (Contender c : contenders(plan)) {
                if (c.id().equals("none")) {
                    // Without an agent the stream dies at the first move: a fresh lab per case, few moves.
                    for (GapCase gapCase : plan.noAgentCases()) {
                        attempt(out, "gap " + gapCase.cliName() + " none",
                                () -> out.gaps.add(GapRun.run(ctx, c, List.of(gapCase), plan.noAgentMoves())));
                    }
                } else {
                    attempt(out, "gap uplinks " + c.id(),
                            () -> out.gaps.add(GapRun.run(ctx, c, UPLINK_CASES, plan.gapMoves())));
                    if (c.agents() || plan.mptcpSameLink()) {
                        attempt(out, "gap same link " + c.id(), () -> out.gaps.add(GapRun.run(ctx, c,
                                List.of(GapCase.MBB_SAME_LINK), plan.gapMoves())));
                    }
                }
            }
        }
        if (plan.runs("ages")) {
            for (GapCase gapCase : plan.ageCases()) {
                attempt(out, "ages " + gapCase.cliName(),
                        () -> out.ages.add(AgeRun.run(ctx, gapCase, plan.agesMs(), plan.ageMoves(),
                                plan.ageLanes())));
            }
        }
        if (plan.runs("convergence")) {
            for (BenchPlan.Scale scale : plan.scales()) {
                // The data path is measured in the convergence lab of its size: its sessions are opened once.
                boolean withDataPath = dataPathInConvergenceLab(plan) && scale.equals(plan.dataPathScale());
                ConvergenceRun.AfterMoves dataPath = !withDataPath ? null
                        : (topology, agents, clients, labId, moves, commands) -> attempt(out, "data path",
                                () -> out.dataPath = DataPathRun.measure(ctx, labId, topology, agents, clients, scale,
                                        moves, plan.dataPathPairs(), plan.dataPathWindowMs(), commands));
                attempt(out, "convergence " + scale.label(),
                        () -> out.convergence.add(ConvergenceRun.run(ctx, scale, scale.moves(), dataPath)));
            }
        }
        if (plan.runs("datapath") && !dataPathInConvergenceLab(plan)) {
            attempt(out, "data path", () -> out.dataPath = DataPathRun.run(ctx, plan.dataPathScale(),
                    plan.dataPathPairs(), plan.dataPathWindowMs()));
        }
        if (plan.runs("idle")) {
            attempt(out, "idle", () -> out.idle = IdleRun.run(ctx, plan.idleSeconds(), plan.idleSessions(),
                    plan.restarts()));
        }
        return out;
    }

    /** Whether the data path is measured in a convergence lab (of its size) rather than in one of its own. */
    static boolean dataPathInConvergenceLab(BenchPlan plan) {
        return plan.runs("datapath") && plan.runs("convergence") && plan.scales().contains(plan.dataPathScale());
    }

    private RunEnvironment.Rtt rtt() {
        ctx.progress().say("rtt", "ping A -> B in the roaming lab, " + RTT_SAMPLES + " samples");
        try (Lab lab = new Lab()) {
            Topology topology = TopologyBuilder.build(lab, TopologyKind.ROAMING, Family.IPV4);
            return LabRtt.measure(topology, RTT_SAMPLES);
        }
    }

    private void attempt(BenchOutcomes out, String what, Runnable body) {
        try {
            body.run();
        } catch (LabException | IllegalStateException e) {
            String line = what + ": " + e.getMessage().lines().findFirst().orElse("");
            ctx.progress().say(what, "FAILED: " + e.getMessage());
            out.failures.add(line);
        }
    }
}
