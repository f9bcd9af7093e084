package org.sacip.agent.daemon;

import java.net.InetAddress;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.sacip.agent.handover.HandoverView;
import org.sacip.agent.peer.protocol.AssociationView;
import org.sacip.agent.peer.protocol.EngineView;

/**
 * Keeps the service manager's STATUS= line current: "12 sessions, 3 moved, 2 peers" (sessions the agent follows,
 * those of them on other addresses than their socket's, peers a key is agreed with). It is looked at when the agent
 * reports an event (a move, a key, a confirmation...) and every {@link #CHECK_EVERY} (sessions open and end without
 * events), and sent only when the text changed, at most once per {@link #MIN_GAP}. Reads the views the handover and
 * the engine publish, so it never waits for a busy thread. Only runs when a service manager listens.
 */
final class ServiceStatus implements AutoCloseable {
    static final Duration MIN_GAP = Duration.ofSeconds(1);
    static final Duration CHECK_EVERY = Duration.ofSeconds(5);

    private final Agent agent;
    private final ServiceNotifier notifier;
    private final ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1, work -> {
        Thread thread = new Thread(work, "sacip-service-status");
        thread.setDaemon(true);
        return thread;
    });
    private String sent = "";
    private long sentAtNanos = System.nanoTime() - MIN_GAP.toNanos();
    private boolean checkPending;
    private HandoverView handoverSeen;
    private EngineView engineSeen;

    private ServiceStatus(Agent agent, ServiceNotifier notifier) {
        this.agent = agent;
        this.notifier = notifier;
    }

    /** Starts keeping the status current; returns the text it starts from (for READY=1's STATUS=). */
    static ServiceStatus start(Agent agent, ServiceNotifier notifier) {
        ServiceStatus status = new ServiceStatus(agent, notifier);
        if (notifier.active()) {
            status.timer.scheduleWithFixedDelay(status::check, CHECK_EVERY.toMillis(), CHECK_EVERY.toMillis(),
                    TimeUnit.MILLISECONDS);
        }
        return status;
    }

    /** The status line now, e.g. {@code "12 sessions, 3 moved, 2 peers"}; remembered as sent. */
    synchronized String current() {
        sent = text(agent.handover().view(), agent.protocol().view());
        sentAtNanos = System.nanoTime();
        return sent;
    }

    /** Something happened that may change the counts: a check soon, not sooner than MIN_GAP after the last send. */
    synchronized void changed() {
        if (!notifier.active() || checkPending || timer.isShutdown()) {
            return;
        }
        checkPending = true;
        long wait = Math.max(0, sentAtNanos + MIN_GAP.toNanos() - System.nanoTime());
        timer.schedule(this::check, wait, TimeUnit.NANOSECONDS);
    }

    private synchronized void check() {
        checkPending = false;
        HandoverView handover = agent.handover().view();
        EngineView engine = agent.protocol().view();
        // Views are replaced, never changed: the same two views mean the same counts.
        if (handover == handoverSeen && engine == engineSeen) {
            return;
        }
        handoverSeen = handover;
        engineSeen = engine;
        String text = text(handover, engine);
        if (text.equals(sent)) {
            return;
        }
        long wait = sentAtNanos + MIN_GAP.toNanos() - System.nanoTime();
        if (wait > 0) {
            handoverSeen = null;
            checkPending = true;
            timer.schedule(this::check, wait, TimeUnit.NANOSECONDS);
            return;
        }
        sent = text;
        sentAtNanos = System.nanoTime();
        notifier.status(text);
    }

    static String text(HandoverView handover, EngineView engine) {
        int moved = 0;
        for (HandoverView.Row row : handover.sessions()) {
            if (!row.remapping().isIdentity()) {
                moved++;
            }
        }
        Set<InetAddress> peers = new HashSet<>();
        for (AssociationView lineage : engine.lineages()) {
            peers.add(lineage.peerOriginal().toInetAddress());
        }
        return counted(handover.sessions().size(), "session") + ", " + moved + " moved, "
                + counted(peers.size(), "peer");
    }

    private static String counted(int count, String noun) {
        return count + " " + noun + (count == 1 ? "" : "s");
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
