package org.sacip.control;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * Reads newline-terminated UTF-8 lines from a non-blocking channel, waiting at most a given time for each line
 * (the channel API has no read timeout of its own, hence the selector).
 */
final class LineReader implements AutoCloseable {
    /**
     * A reply longer than this is not something the agent sends; stop instead of filling the heap. The session list
     * of 100,000 sessions runs to tens of megabytes (16 MB refused it).
     */
    static final int MAX_LINE_BYTES = 256 * 1024 * 1024;

    private final SocketChannel channel;
    private final Selector selector;
    private final ByteBuffer buffer = ByteBuffer.allocate(64 * 1024);
    private final ByteArrayOutputStream line = new ByteArrayOutputStream();

    LineReader(SocketChannel channel) throws IOException {
        this.channel = channel;
        channel.configureBlocking(false);
        this.selector = Selector.open();
        channel.register(selector, SelectionKey.OP_READ);
        buffer.flip();
    }

    /**
     * The next line without its newline, or null at end of stream.
     *
     * @param timeout how long to wait for the whole line, or null to wait for ever
     */
    String readLine(Duration timeout) throws IOException, ProtocolException {
        long deadline = timeout == null ? Long.MAX_VALUE : System.nanoTime() + timeout.toNanos();
        while (true) {
            while (buffer.hasRemaining()) {
                byte b = buffer.get();
                if (b == '\n') {
                    String text = line.toString(StandardCharsets.UTF_8);
                    line.reset();
                    return text;
                }
                if (line.size() >= MAX_LINE_BYTES) {
                    throw new ProtocolException("a line from the agent is longer than " + MAX_LINE_BYTES + " bytes");
                }
                line.write(b);
            }
            buffer.clear();
            int read = channel.read(buffer);
            buffer.flip();
            if (read < 0) {
                return null;
            }
            if (read == 0) {
                waitReadable(deadline, timeout);
            }
        }
    }

    private void waitReadable(long deadline, Duration timeout) throws IOException, ProtocolException {
        if (timeout == null) {
            selector.select();
        } else {
            long leftNanos = deadline - System.nanoTime();
            if (leftNanos <= 0) {
                throw new ProtocolException("no reply from the agent within " + describe(timeout));
            }
            // Rounded up: rounded down, the last partial millisecond became 0 and the reader gave up before the
            // deadline. The caller reads again and comes back here, so a wake-up without data just loops.
            selector.select((leftNanos + 999_999) / 1_000_000);
        }
        selector.selectedKeys().clear();
    }

    private static String describe(Duration timeout) {
        return timeout.toMillis() % 1000 == 0 ? timeout.toSeconds() + " s" : timeout.toMillis() + " ms";
    }

    @Override
    public void close() throws IOException {
        selector.close();
    }
}
