package org.sacip.agent.peer.protocol;

import java.util.Random;

/**
 * Sends one request now and again on the policy's timer until cancelled (its answer arrived) or the transmissions
 * are used up, then reports exhaustion after the last interval. Engine thread only.
 */
final class Retransmission {
    private final EngineLoop loop;
    private final RetransmitPolicy policy;
    private final Random random;
    private final Runnable transmit;
    private final Runnable exhausted;
    private final MessageCounters counters;
    private EngineLoop.Timer timer;
    private int sent;
    private boolean finished;
    private boolean cancelled;

    private Retransmission(EngineLoop loop, RetransmitPolicy policy, Random random, Runnable transmit,
            Runnable exhausted, MessageCounters counters) {
        this.loop = loop;
        this.counters = counters;
        this.policy = policy;
        this.random = random;
        this.transmit = transmit;
        this.exhausted = exhausted;
    }

    static Retransmission start(EngineContext ctx, RetransmitPolicy policy, Runnable transmit, Runnable exhausted) {
        Retransmission retransmission = new Retransmission(ctx.loop, policy, ctx.random, transmit, exhausted,
                ctx.messages);
        retransmission.transmitAndArm();
        return retransmission;
    }

    private void transmitAndArm() {
        if (finished) {
            return;
        }
        if (sent == 0) {
            transmit.run();
        } else {
            counters.retransmitting(transmit);
        }
        sent++;
        timer = loop.schedule(policy.interval(sent, random), sent < policy.transmissions() ? this::transmitAndArm
                : this::giveUp);
    }

    private void giveUp() {
        if (!finished) {
            finished = true;
            exhausted.run();
        }
    }

    /** Sends once more now, outside the schedule (answer to a duplicate request), unless cancelled. */
    void transmitOnce() {
        if (!cancelled) {
            counters.retransmitting(transmit);
        }
    }

    boolean isRunning() {
        return !finished;
    }

    void cancel() {
        finished = true;
        cancelled = true;
        if (timer != null) {
            timer.cancel();
        }
    }
}
