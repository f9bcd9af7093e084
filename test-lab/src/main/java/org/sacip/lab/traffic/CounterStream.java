package org.sacip.lab.traffic;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;

/**
 * The gap stream: both sides send an 8-byte counter every 2 ms on one TCP connection and check that the peer's
 * counters arrive in order. The longest silence between two arrivals is the handover gap; it is also kept per 50 ms
 * at microsecond resolution ({@link FineGapLog}), where the gap log keeps only silences over 20 ms.
 */
public final class CounterStream extends TcpStreamRole {
    private final long intervalMicros;

    public CounterStream(boolean server, EndpointOptions options) {
        super(server, options);
        this.intervalMicros = options.getLong("intervalMicros", 2000);
    }

    @Override
    protected TrafficKind kind() {
        return TrafficKind.GAP;
    }

    @Override
    public void run() {
        clock.start(System.currentTimeMillis());
        counters.fineGaps.start(FineGapLog.nowMicros());
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
            fail(Failures.describe(e));
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
                counters.fineGaps.delivered(FineGapLog.nowMicros());
                counters.received.addAndGet(8);
                long value = ByteBuffer.wrap(block).getLong();
                if (value != expected) {
                    counters.corrupted.addAndGet(8);
                }
                expected = value + 1;
            }
        } catch (EOFException e) {
            fail(Failures.EOF);
        } catch (IOException e) {
            fail(Failures.describe(e));
        }
    }
}
