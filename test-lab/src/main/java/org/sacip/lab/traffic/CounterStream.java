package org.sacip.lab.traffic;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;

/**
 * The gap stream: both sides send an 8-byte counter every 2 ms on one TCP connection and check that the peer's
 * counters arrive in order. The longest silence between two arrivals is the handover gap.
 */
public final class CounterStream implements TrafficRole {
    private final boolean server;
    private final EndpointOptions options;
    private final long intervalMicros;
    private final StreamCounters counters = new StreamCounters();
    private final DeliveryClock clock = new DeliveryClock(counters.gaps);
    private ServerSocket listener;
    private Socket socket;
    private String startTuple;
    private volatile boolean sending = true;
    private volatile boolean closing;

    public CounterStream(boolean server, EndpointOptions options) {
        this.server = server;
        this.options = options;
        this.intervalMicros = options.getLong("intervalMicros", 2000);
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
        socket.setTcpNoDelay(true);
        startTuple = Tuples.of(socket.getLocalSocketAddress(), socket.getRemoteSocketAddress());
        return startTuple;
    }

    @Override
    public void run() {
        clock.start(System.currentTimeMillis());
        Threads.start("counter-send", this::sendLoop);
        Threads.start("counter-receive", this::receiveLoop);
    }

    private void sendLoop() {
        ByteBuffer buffer = ByteBuffer.allocate(8);
        Ticker ticker = new Ticker(intervalMicros);
        long next = 0;
        try {
            OutputStream out = socket.getOutputStream();
            while (sending) {
                buffer.clear();
                buffer.putLong(next++);
                out.write(buffer.array());
                counters.sent.addAndGet(8);
                ticker.await();
            }
        } catch (IOException e) {
            if (!closing) {
                counters.fail(Failures.describe(e));
            }
        }
    }

    private void receiveLoop() {
        byte[] block = new byte[8];
        long expected = 0;
        try {
            DataInputStream in = new DataInputStream(socket.getInputStream());
            while (true) {
                in.readFully(block);
                clock.delivered(System.currentTimeMillis());
                counters.received.addAndGet(8);
                long value = ByteBuffer.wrap(block).getLong();
                if (value != expected) {
                    counters.corrupted.addAndGet(8);
                }
                expected = value + 1;
            }
        } catch (EOFException e) {
            if (!closing) {
                counters.fail(Failures.EOF);
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
        StreamReport report = counters.report("gap", server ? "server" : "client", startTuple, endTuple, 1,
                counters.failure() == null ? 0 : 1, clock.lastMs(), null, null);
        return report;
    }
}
