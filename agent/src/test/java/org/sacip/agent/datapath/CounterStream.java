package org.sacip.agent.datapath;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A TCP stream of consecutive 64-bit counters, written in small paced chunks by one thread and checked value by
 * value by another: any lost, repeated or corrupted byte, or the connection dying, is recorded as the failure.
 * {@link #bulk} writes chunks large enough to fill full-size segments.
 */
final class CounterStream implements AutoCloseable {
    private static final int VALUES_PER_CHUNK = 64;
    private static final int BULK_VALUES_PER_CHUNK = 2048;
    private static final long PACE_MILLIS = 2;

    private final int valuesPerChunk;
    private final Socket sender;
    private final Socket receiver;
    private final AtomicLong bytesVerified = new AtomicLong();
    private final AtomicReference<String> failure = new AtomicReference<>();
    private final Thread writer;
    private final Thread reader;
    private volatile boolean running = true;

    CounterStream(Socket sender, Socket receiver) {
        this(sender, receiver, VALUES_PER_CHUNK);
    }

    private CounterStream(Socket sender, Socket receiver, int valuesPerChunk) {
        this.valuesPerChunk = valuesPerChunk;
        this.sender = sender;
        this.receiver = receiver;
        this.writer = new Thread(this::write, "counter-writer");
        this.reader = new Thread(this::read, "counter-reader");
        writer.setDaemon(true);
        reader.setDaemon(true);
        writer.start();
        reader.start();
    }

    /** A stream of 16 KiB chunks: TCP sends segments as large as the path MTU allows. */
    static CounterStream bulk(Socket sender, Socket receiver) {
        return new CounterStream(sender, receiver, BULK_VALUES_PER_CHUNK);
    }

    private void write() {
        long next = 0;
        ByteBuffer chunk = ByteBuffer.allocate(valuesPerChunk * Long.BYTES);
        try (DataOutputStream out = new DataOutputStream(sender.getOutputStream())) {
            while (running) {
                chunk.clear();
                for (int i = 0; i < valuesPerChunk; i++) {
                    chunk.putLong(next++);
                }
                out.write(chunk.array());
                out.flush();
                Thread.sleep(PACE_MILLIS);
            }
        } catch (IOException e) {
            if (running) {
                failure.compareAndSet(null, "writer: " + e);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void read() {
        long expected = 0;
        try (DataInputStream in = new DataInputStream(receiver.getInputStream())) {
            while (running) {
                long value = in.readLong();
                if (value != expected) {
                    failure.compareAndSet(null, "reader: got " + value + " where " + expected + " was due");
                    return;
                }
                expected++;
                bytesVerified.addAndGet(Long.BYTES);
            }
        } catch (EOFException e) {
            if (running) {
                failure.compareAndSet(null, "reader: the connection ended");
            }
        } catch (IOException e) {
            if (running) {
                failure.compareAndSet(null, "reader: " + e);
            }
        }
    }

    long bytesVerified() {
        return bytesVerified.get();
    }

    /** Why the stream failed (the first failure of its writer or reader), or {@code null} while it runs. */
    String failure() {
        return failure.get();
    }

    /** Fails unless at least {@code bytes} more verified bytes arrive within the timeout. */
    void awaitProgress(long bytes, Duration timeout, String when) throws InterruptedException {
        long target = bytesVerified.get() + bytes;
        long deadline = System.nanoTime() + timeout.toNanos();
        while (bytesVerified.get() < target) {
            String failed = failure.get();
            if (failed != null) {
                throw new AssertionError("stream failed " + when + ": " + failed);
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("stream stalled " + when + ": " + bytesVerified.get() + " bytes verified");
            }
            Thread.sleep(10);
        }
        String failed = failure.get();
        if (failed != null) {
            throw new AssertionError("stream failed " + when + ": " + failed);
        }
    }

    /** Waits until the stream fails (its connection was reset, say) and returns why; fails if it keeps going. */
    String awaitFailure(Duration timeout, String what) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (failure.get() == null) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the stream did not fail within " + timeout.toSeconds() + " s: " + what);
            }
            Thread.sleep(10);
        }
        return failure.get();
    }

    @Override
    public void close() throws IOException, InterruptedException {
        running = false;
        try {
            sender.close();
        } finally {
            receiver.close();
        }
        writer.join(2000);
        reader.join(2000);
    }
}
