package org.sacip.lab.traffic;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * The integrity stream: the client sends a known byte pattern A->B as fast as the rate cap allows on one TCP
 * connection; the server checks every byte and both keep a running SHA-256. The cap keeps the shared CI machine
 * usable; the default is 16 MiB/s. With {@code duplex=true} the server sends the same pattern back at the same rate
 * and the client checks it too: a bulk transfer both ways at once, as a file sync or a backup over SSH does.
 */
public final class BulkStream extends TcpStreamRole {
    private static final int CHUNK = 64 * 1024;

    private final long rateBytesPerSecond;
    private final boolean duplex;
    private final RunningHash sentHash = new RunningHash();
    private final RunningHash receivedHash = new RunningHash();

    public BulkStream(boolean server, EndpointOptions options) {
        super(server, options);
        this.rateBytesPerSecond = options.getLong("rate", 16L * 1024 * 1024);
        this.duplex = Boolean.parseBoolean(options.values().getOrDefault("duplex", "false"));
    }

    private boolean sends() {
        return !server || duplex;
    }

    private boolean receives() {
        return server || duplex;
    }

    @Override
    protected TrafficKind kind() {
        return TrafficKind.BULK;
    }

    @Override
    protected String sentHash() {
        return sends() ? sentHash.hex() : null;
    }

    @Override
    protected String receivedHash() {
        return receives() ? receivedHash.hex() : null;
    }

    @Override
    public void run() {
        if (receives()) {
            clock.start(System.currentTimeMillis());
            Threads.start("bulk-receive", this::receiveLoop);
        }
        if (sends()) {
            Threads.start("bulk-send", this::sendLoop);
        }
        if (!receives()) {
            // The server never sends; reading still tells the client at once when the connection ends.
            Threads.start("bulk-watch", this::watchLoop);
        }
    }

    private void sendLoop() {
        byte[] chunk = new byte[CHUNK];
        long offset = 0;
        long startNanos = System.nanoTime();
        try {
            OutputStream out = socket.getOutputStream();
            while (sending) {
                BulkPattern.fill(chunk, offset);
                out.write(chunk);
                sentHash.update(chunk, 0, chunk.length);
                offset += chunk.length;
                counters.sent.addAndGet(chunk.length);
                long dueNanos = startNanos + offset * 1_000_000_000L / rateBytesPerSecond;
                long wait = dueNanos - System.nanoTime();
                if (wait > 0) {
                    Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                }
            }
        } catch (IOException e) {
            fail(Failures.describe(e));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void watchLoop() {
        try {
            fail(socket.getInputStream().read() < 0 ? Failures.EOF : "protocol error: the bulk server sent data");
        } catch (IOException e) {
            fail(Failures.describe(e));
        }
    }

    private void receiveLoop() {
        byte[] chunk = new byte[CHUNK];
        long offset = 0;
        try {
            InputStream in = socket.getInputStream();
            while (true) {
                int n = in.read(chunk);
                if (n < 0) {
                    fail(Failures.EOF);
                    return;
                }
                clock.delivered(System.currentTimeMillis());
                long bad = 0;
                for (int i = 0; i < n; i++) {
                    if (chunk[i] != BulkPattern.at(offset + i)) {
                        bad++;
                    }
                }
                receivedHash.update(chunk, 0, n);
                offset += n;
                counters.received.addAndGet(n);
                counters.corrupted.addAndGet(bad);
            }
        } catch (IOException e) {
            fail(Failures.describe(e));
        }
    }
}
