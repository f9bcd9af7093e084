package org.sacip.agent.control;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import org.sacip.control.ControlJson;

/**
 * Test-only raw client of the control socket: any bytes out (partial lines, garbage, half-closes), lines in, every
 * wait bounded. What a well-behaved client does is {@link org.sacip.control.ControlClient}'s job.
 */
final class ControlClient implements AutoCloseable {
    static final Duration PATIENCE = Duration.ofSeconds(5);

    private final SocketChannel channel;
    private final Selector selector;
    private final ByteArrayOutputStream received = new ByteArrayOutputStream();
    private final ByteBuffer chunk = ByteBuffer.allocate(65536);
    private boolean ended;

    private ControlClient(SocketChannel channel) throws IOException {
        this.channel = channel;
        channel.configureBlocking(false);
        this.selector = Selector.open();
        channel.register(selector, SelectionKey.OP_READ);
    }

    static ControlClient connect(Path socket) throws IOException {
        SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX);
        channel.connect(UnixDomainSocketAddress.of(socket));
        return new ControlClient(channel);
    }

    /** One request, its one reply as a tree. */
    static JsonNode ask(Path socket, String line) throws IOException {
        try (ControlClient client = connect(socket)) {
            client.send(line + "\n");
            return client.readJson(PATIENCE);
        }
    }

    void send(String text) throws IOException {
        send(text.getBytes(StandardCharsets.UTF_8));
    }

    void send(byte[] bytes) throws IOException {
        ByteBuffer out = ByteBuffer.wrap(bytes);
        long giveUp = System.nanoTime() + PATIENCE.toNanos();
        while (out.hasRemaining()) {
            if (channel.write(out) == 0) {
                if (System.nanoTime() > giveUp) {
                    throw new IOException("the server did not take our bytes within " + PATIENCE);
                }
                sleepBriefly();
            }
        }
    }

    /** Half-closes: the server reads end-of-stream after what was sent. */
    void finishSending() throws IOException {
        channel.shutdownOutput();
    }

    JsonNode readJson(Duration timeout) throws IOException {
        return ControlJson.MAPPER.readTree(readLine(timeout));
    }

    /** The next line without its newline; fails on timeout or when the stream ends first. */
    String readLine(Duration timeout) throws IOException {
        long giveUp = System.nanoTime() + timeout.toNanos();
        while (true) {
            String line = takeLine();
            if (line != null) {
                return line;
            }
            if (ended) {
                throw new EOFException("the server closed the connection; unfinished: " + received);
            }
            long left = giveUp - System.nanoTime();
            if (left <= 0) {
                throw new AssertionError("no complete line within " + timeout + "; have: " + received);
            }
            fill(Math.max(1, Duration.ofNanos(left).toMillis()));
        }
    }

    /**
     * The next line, read as a slow client does: at most one chunk of 64 KiB, then {@code pause}, again and again.
     * Fails when the server closes the connection first or the line is not complete within {@code timeout}.
     */
    String readLineSlowly(Duration pause, Duration timeout) throws IOException, InterruptedException {
        long giveUp = System.nanoTime() + timeout.toNanos();
        while (true) {
            int before = received.size();
            fill(Math.max(1, Duration.ofNanos(Math.max(0, giveUp - System.nanoTime())).toMillis()));
            byte[] bytes = received.toByteArray();
            for (int i = before; i < bytes.length; i++) {
                if (bytes[i] == '\n') {
                    received.reset();
                    received.write(bytes, i + 1, bytes.length - i - 1);
                    return new String(bytes, 0, i, StandardCharsets.UTF_8);
                }
            }
            if (ended) {
                throw new EOFException("the server closed the connection after " + received.size() + " bytes");
            }
            if (System.nanoTime() - giveUp > 0) {
                throw new AssertionError("no complete line within " + timeout + "; have " + received.size()
                        + " bytes");
            }
            Thread.sleep(pause.toMillis());
        }
    }

    /** True when the server closes the connection within {@code timeout}, with nothing more to read. */
    boolean endsWithin(Duration timeout) throws IOException {
        long giveUp = System.nanoTime() + timeout.toNanos();
        while (!ended) {
            long left = giveUp - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            fill(Math.max(1, Duration.ofNanos(left).toMillis()));
        }
        return received.size() == 0;
    }

    private void fill(long waitMillis) throws IOException {
        selector.select(waitMillis);
        selector.selectedKeys().clear();
        chunk.clear();
        int read;
        try {
            read = channel.read(chunk);
        } catch (IOException e) {
            ended = true; // connection reset after the server closed
            return;
        }
        if (read < 0) {
            ended = true;
        } else {
            received.write(chunk.array(), 0, read);
        }
    }

    private String takeLine() {
        byte[] bytes = received.toByteArray();
        for (int i = 0; i < bytes.length; i++) {
            if (bytes[i] == '\n') {
                received.reset();
                received.write(bytes, i + 1, bytes.length - i - 1);
                return new String(bytes, 0, i, StandardCharsets.UTF_8);
            }
        }
        return null;
    }

    private static void sleepBriefly() {
        try {
            Thread.sleep(5);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() throws IOException {
        selector.close();
        channel.close();
    }
}
