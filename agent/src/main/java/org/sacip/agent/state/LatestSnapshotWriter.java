package org.sacip.agent.state;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes state snapshots on a thread of its own, so no handover waits for an fsync; when snapshots come faster than
 * the disk takes them, only the latest is written. {@link #close()} writes what is still waiting.
 */
public final class LatestSnapshotWriter<T> implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(LatestSnapshotWriter.class);

    /** Writes one snapshot durably. */
    @FunctionalInterface
    public interface Sink<T> {
        void write(T snapshot) throws IOException;
    }

    private final Sink<T> sink;
    private final String what;
    private final CostPacing pacing;
    private final AtomicReference<T> waiting = new AtomicReference<>();
    /** Callers waiting until the snapshot they submitted (or a later one) is on disk. */
    private final List<CompletableFuture<Void>> durable = new ArrayList<>();
    private final Runnable idle;
    private final Thread thread;
    private volatile boolean running = true;
    /** A snapshot taken and not yet written (guarded by this). */
    private boolean writing;

    /** @param pacing where the time each write takes is recorded, for its owner's pacing */
    public LatestSnapshotWriter(String what, Sink<T> sink, CostPacing pacing) {
        this(what, sink, pacing, () -> { });
    }

    /**
     * @param idle called on the writer's thread after each write: an owner that builds its snapshot only while the
     *             writer is not {@link #busy} learns here that the next one may be built
     */
    public LatestSnapshotWriter(String what, Sink<T> sink, CostPacing pacing, Runnable idle) {
        this.what = what;
        this.sink = sink;
        this.pacing = pacing;
        this.idle = idle;
        this.thread = new Thread(this::run, "sacip-save-" + what);
        this.thread.setDaemon(true);
        this.thread.start();
    }

    /** Queues the snapshot, replacing any not written yet; never blocks. */
    public void submit(T snapshot) {
        synchronized (this) {
            waiting.set(snapshot);
            notifyAll();
        }
    }

    /**
     * Whether a snapshot is waiting or being written: one built now would only replace the waiting one, or wait for
     * the write under way. An owner whose snapshots cost much to build builds the next after {@code idle}.
     */
    public synchronized boolean busy() {
        return writing || waiting.get() != null;
    }

    /**
     * Queues the snapshot like {@link #submit}; the future completes once it (or a later snapshot) is on disk, or
     * fails with the write's error. For state that must be durable before it is used.
     */
    public CompletableFuture<Void> submitDurably(T snapshot) {
        CompletableFuture<Void> written = new CompletableFuture<>();
        synchronized (this) {
            waiting.set(snapshot);
            durable.add(written);
            notifyAll();
        }
        return written;
    }

    private void run() {
        while (running) {
            T next;
            List<CompletableFuture<Void>> waiters;
            synchronized (this) {
                next = waiting.getAndSet(null);
                waiters = List.copyOf(durable);
                durable.clear();
                writing = next != null;
            }
            if (next == null) {
                synchronized (this) {
                    if (waiting.get() == null && running) {
                        try {
                            // Woken by submit and close.
                            wait();
                        } catch (InterruptedException e) {
                            return;
                        }
                    }
                }
                continue;
            }
            write(next, waiters);
            synchronized (this) {
                writing = false;
            }
            idle.run();
        }
    }

    private void write(T snapshot, List<CompletableFuture<Void>> waiters) {
        long started = System.nanoTime();
        try {
            sink.write(snapshot);
            pacing.written(System.nanoTime() - started);
            waiters.forEach(w -> w.complete(null));
        } catch (IOException e) {
            LOG.error("{} not saved: {}", what, e.getMessage());
            waiters.forEach(w -> w.completeExceptionally(e));
        }
    }

    /** Stops the thread and writes the last snapshot if one is waiting. */
    @Override
    public void close() {
        running = false;
        synchronized (this) {
            notifyAll();
        }
        try {
            thread.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        T last;
        List<CompletableFuture<Void>> waiters;
        synchronized (this) {
            last = waiting.getAndSet(null);
            waiters = List.copyOf(durable);
            durable.clear();
        }
        if (last != null) {
            write(last, waiters);
        }
    }
}
