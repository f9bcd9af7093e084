package org.sacip.agent.state;

import java.io.IOException;
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
    private final AtomicReference<T> waiting = new AtomicReference<>();
    private final Thread thread;
    private volatile boolean running = true;

    public LatestSnapshotWriter(String what, Sink<T> sink) {
        this.what = what;
        this.sink = sink;
        this.thread = new Thread(this::run, "sacip-save-" + what);
        this.thread.setDaemon(true);
        this.thread.start();
    }

    /** Queues the snapshot, replacing any not written yet; never blocks. */
    public void submit(T snapshot) {
        waiting.set(snapshot);
        synchronized (this) {
            notifyAll();
        }
    }

    private void run() {
        while (running) {
            T next = waiting.getAndSet(null);
            if (next == null) {
                synchronized (this) {
                    if (waiting.get() == null && running) {
                        try {
                            wait(1000);
                        } catch (InterruptedException e) {
                            return;
                        }
                    }
                }
                continue;
            }
            write(next);
        }
    }

    private void write(T snapshot) {
        try {
            sink.write(snapshot);
        } catch (IOException e) {
            LOG.error("{} not saved: {}", what, e.getMessage());
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
        T last = waiting.getAndSet(null);
        if (last != null) {
            write(last);
        }
    }
}
