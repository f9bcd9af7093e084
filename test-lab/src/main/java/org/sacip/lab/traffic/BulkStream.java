package org.sacip.lab.traffic;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;

/**
 * The integrity stream: the client sends a known byte pattern A->B as fast as the rate cap allows on one TCP
 * connection; the server checks every byte and both keep a running SHA-256. The cap keeps the shared CI machine
 * usable; the default is 16 MiB/s.
 */
public final class BulkStream implements TrafficRole {
    private static final int CHUNK = 64 * 1024;

    private final boolean server;
    private final EndpointOptions options;
    private final long rateBytesPerSecond;
    private final StreamCounters counters = new StreamCounters();
    private final DeliveryClock clock = new DeliveryClock(counters.gaps);
    private final RunningHash sentHash = new RunningHash();
    private final RunningHash receivedHash = new RunningHash();
    private ServerSocket listener;
    private Socket socket;
    private String startTuple;
    private volatile boolean sending = true;
    private volatile boolean closing;

    public BulkStream(boolean server, EndpointOptions options) {
        this.server = server;
        this.options = options;
        this.rateBytesPerSecond = options.getLong("rate", 16L * 1024 * 1024);
    }

    @Override
    public void listen() throws IOException {
        if (server) {
            listener = TcpConnect.listen(options);
        }
    }

    @Override
    public String establish() throws IOException {
        if (server) {
            socket = listener.accept();
            listener.close();
        } else {
            socket = TcpConnect.connect(options);
        }
        startTuple = Tuples.of(socket.getLocalSocketAddress(), socket.getRemoteSocketAddress());
        return startTuple;
    }

    @Override
    public void run() {
        if (server) {
            clock.start(System.currentTimeMillis());
            Threads.start("bulk-receive", this::receiveLoop);
        } else {
            Threads.start("bulk-send", this::sendLoop);
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
            if (!closing) {
                counters.fail(Failures.describe(e));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void watchLoop() {
        try {
            if (socket.getInputStream().read() < 0 && !closing) {
                counters.fail(Failures.EOF);
            } else if (!closing) {
                counters.fail("protocol error: the bulk server sent data");
            }
        } catch (IOException e) {
            if (!closing) {
                counters.fail(Failures.describe(e));
            }
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
                    if (!closing) {
                        counters.fail(Failures.EOF);
                    }
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
            if (!closing) {
                counters.fail(Failures.describe(e));
            }
        }
    }

    @Override
    public StreamCounters counters() {
        return counters;
    }

    @Override
    public void quiesce() {
        sending = false;
    }

    @Override
    public StreamReport report(long quiescedAtMs) {
        // From here on an EOF is the peer finishing too, not a failure. The socket stays open until the process
        // exits, so the peer can still take its own report without seeing this side close.
        closing = true;
        clock.finish(quiescedAtMs);
        String endTuple = Tuples.of(socket.getLocalSocketAddress(), socket.getRemoteSocketAddress());
        StreamReport report = counters.report("bulk", server ? "server" : "client", startTuple, endTuple, 1,
                counters.failure() == null ? 0 : 1, server ? clock.lastMs() : 0,
                server ? null : sentHash.hex(), server ? receivedHash.hex() : null);
        return report;
    }
}
