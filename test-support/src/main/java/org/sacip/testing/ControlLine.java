package org.sacip.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;

/**
 * One request to an agent's control socket (docs/CONTROL.md, protocol v1): one JSON line out, the reply line back,
 * the whole exchange bounded by a timeout, so a hung or half-started agent cannot hang the test.
 */
public final class ControlLine {
    private static final ObjectMapper JSON = new ObjectMapper();

    private ControlLine() {
    }

    /** Sends {@code {"v":1,"cmd":COMMAND}} and returns the reply as a tree (ok or error, as the agent sent it). */
    public static JsonNode request(Path socket, String command, Duration timeout) throws IOException {
        String reply = ask(socket, "{\"v\":1,\"cmd\":\"" + command + "\"}", timeout);
        JsonNode node = JSON.readTree(reply);
        if (node == null || !node.isObject()) {
            throw new IOException("the reply of " + socket + " to " + command + " is not a JSON object: " + reply);
        }
        return node;
    }

    /** Sends one line (a newline is added) and returns the first line of the reply, without its newline. */
    public static String ask(Path socket, String line, Duration timeout) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX);
                Selector selector = Selector.open()) {
            // A unix connect does not wait for the server to accept: it succeeds or fails at once.
            channel.connect(UnixDomainSocketAddress.of(socket));
            channel.configureBlocking(false);
            ByteBuffer out = ByteBuffer.wrap((line + "\n").getBytes(StandardCharsets.UTF_8));
            ByteArrayOutputStream in = new ByteArrayOutputStream();
            ByteBuffer chunk = ByteBuffer.allocate(65536);
            SelectionKey key = channel.register(selector, SelectionKey.OP_WRITE | SelectionKey.OP_READ);
            while (true) {
                if (out.hasRemaining()) {
                    channel.write(out);
                    if (!out.hasRemaining()) {
                        key.interestOps(SelectionKey.OP_READ);
                    }
                }
                chunk.clear();
                int read = channel.read(chunk);
                if (read > 0) {
                    in.write(chunk.array(), 0, read);
                    String text = in.toString(StandardCharsets.UTF_8);
                    int end = text.indexOf('\n');
                    if (end >= 0) {
                        return text.substring(0, end);
                    }
                    continue;
                }
                if (read < 0) {
                    throw new IOException(socket + " closed the connection before a whole reply line; got: "
                            + in.toString(StandardCharsets.UTF_8));
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new SocketTimeoutException("no reply line from " + socket + " within "
                            + Eventually.text(timeout) + "; got: " + in.toString(StandardCharsets.UTF_8));
                }
                selector.select(Math.max(1, Duration.ofNanos(left).toMillis()));
                selector.selectedKeys().clear();
            }
        }
    }
}
