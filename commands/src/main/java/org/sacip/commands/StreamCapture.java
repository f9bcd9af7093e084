package org.sacip.commands;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/** Reads one output stream of a command to its end on a daemon thread; what arrived so far is readable any time. */
final class StreamCapture {
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final CountDownLatch ended = new CountDownLatch(1);

    private StreamCapture() {
    }

    static StreamCapture start(InputStream stream, String name) {
        StreamCapture capture = new StreamCapture();
        Thread reader = new Thread(() -> capture.drain(stream), name);
        reader.setDaemon(true);
        reader.start();
        return capture;
    }

    private void drain(InputStream stream) {
        byte[] chunk = new byte[8192];
        try (stream) {
            for (int n; (n = stream.read(chunk)) >= 0; ) {
                synchronized (bytes) {
                    bytes.write(chunk, 0, n);
                }
            }
        } catch (IOException e) {
            // The pipe went away (the process was killed): what was read so far is all there is.
        } finally {
            ended.countDown();
        }
    }

    /** Waits until the stream ended (the writer closed it) or {@code deadlineNanos} (System.nanoTime) passed. */
    boolean awaitEnd(long deadlineNanos) throws InterruptedException {
        return ended.await(Math.max(0, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
    }

    String text() {
        synchronized (bytes) {
            return bytes.toString(StandardCharsets.UTF_8);
        }
    }
}
