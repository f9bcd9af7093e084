package org.sacip.tools.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * A stand-in for the agent's control socket in tests: a real Unix socket server that answers each request line with
 * the lines a script gives for it (then closes), or with nothing at all. It records what it was sent.
 */
public final class FakeAgent implements AutoCloseable {
    private final Path path;
    private final ServerSocketChannel server;
    private final Function<String, List<String>> script;
    private final boolean closeAfterReply;
    private final AtomicInteger connections = new AtomicInteger();
    private final List<String> requests = new CopyOnWriteArrayList<>();
    private final Thread acceptor;

    private FakeAgent(Path path, Function<String, List<String>> script, boolean closeAfterReply) throws IOException {
        this.path = path;
        this.script = script;
        this.closeAfterReply = closeAfterReply;
        this.server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(path));
        this.acceptor = new Thread(this::acceptLoop, "fake-agent");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /** Replies with the script's lines for each request line (the whole request, JSON text), then closes. */
    public static FakeAgent replying(Path path, Function<String, List<String>> script) throws IOException {
        return new FakeAgent(path, script, true);
    }

    /** Like {@link #replying} but keeps the connection open afterwards (a silent or slow agent). */
    public static FakeAgent replyingThenSilent(Path path, Function<String, List<String>> script) throws IOException {
        return new FakeAgent(path, script, false);
    }

    /** A well-behaved agent: {"v":1,"ok":true,"data":PAYLOAD} for the command the request names. */
    public static String ok(String payload) {
        return "{\"v\":1,\"ok\":true,\"data\":" + payload + "}";
    }

    public Path path() {
        return path;
    }

    public int connections() {
        return connections.get();
    }

    public List<String> requests() {
        return List.copyOf(requests);
    }

    private void acceptLoop() {
        while (server.isOpen()) {
            try {
                SocketChannel client = server.accept();
                connections.incrementAndGet();
                Thread handler = new Thread(() -> serve(client), "fake-agent-client");
                handler.setDaemon(true);
                handler.start();
            } catch (IOException e) {
                return; // closed by close()
            }
        }
    }

    private void serve(SocketChannel client) {
        try {
            String request = readLine(client);
            if (request == null) {
                client.close();
                return;
            }
            requests.add(request);
            for (String line : script.apply(request)) {
                ByteBuffer bytes = ByteBuffer.wrap((line + "\n").getBytes(StandardCharsets.UTF_8));
                while (bytes.hasRemaining()) {
                    client.write(bytes);
                }
            }
            if (closeAfterReply) {
                client.close();
            }
        } catch (IOException e) {
            // The client went away; nothing to check here.
        }
    }

    private static String readLine(SocketChannel client) throws IOException {
        StringBuilder line = new StringBuilder();
        ByteBuffer one = ByteBuffer.allocate(1);
        while (true) {
            one.clear();
            if (client.read(one) < 0) {
                return null;
            }
            char c = (char) one.get(0);
            if (c == '\n') {
                return line.toString();
            }
            line.append(c);
        }
    }

    @Override
    public void close() {
        try {
            server.close();
            acceptor.join(2_000);
            Files.deleteIfExists(path);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
