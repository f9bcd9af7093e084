package org.sacip.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The client against a real unix socket whose one connection the test scripts: what it sends, what it makes of it. */
class ControlClientTest {
    private static final Duration PATIENCE = Duration.ofSeconds(5);

    @TempDir
    Path dir;

    /** Accepts one connection, reads the request line, writes {@code reply} (may be empty) and closes. */
    private CompletableFuture<String> serveOnce(ServerSocketChannel server, String reply) {
        return CompletableFuture.supplyAsync(() -> {
            try (SocketChannel client = server.accept()) {
                ByteBuffer in = ByteBuffer.allocate(4096);
                while (in.position() == 0 || in.get(in.position() - 1) != '\n') {
                    if (client.read(in) < 0) {
                        break;
                    }
                }
                ByteBuffer out = ByteBuffer.wrap(reply.getBytes(StandardCharsets.UTF_8));
                while (out.hasRemaining()) {
                    client.write(out);
                }
                return new String(in.array(), 0, in.position(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        });
    }

    private ServerSocketChannel listen() throws IOException {
        ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(dir.resolve("agent.sock")));
        return server;
    }

    private ControlClient client(Duration timeout) {
        return new ControlClient(dir.resolve("agent.sock"), timeout);
    }

    @Test
    void aRequestSendsOneLineAndReturnsThePayloadAsSent() throws Exception {
        try (ServerSocketChannel server = listen()) {
            CompletableFuture<String> request = serveOnce(server,
                    "{\"v\":1,\"ok\":true,\"data\":[{\"rtt_ms\":1.50}]}\n");
            ControlReply reply = client(PATIENCE).request(ControlCommand.PEERS);
            assertEquals("{\"v\":1,\"cmd\":\"peers\"}\n", request.get(5, TimeUnit.SECONDS));
            assertEquals("[{\"rtt_ms\":1.50}]", reply.rawData());
            assertEquals("1.50", reply.data().get(0).get("rtt_ms").decimalValue().toPlainString());
        }
    }

    @Test
    void anErrorReplyIsAFailureForRequestAndAReplyForExchange() throws Exception {
        String busy = "{\"v\":1,\"ok\":false,\"error\":\"busy\",\"message\":\"too many\"}\n";
        try (ServerSocketChannel server = listen()) {
            serveOnce(server, busy);
            AgentErrorException e = assertThrows(AgentErrorException.class,
                    () -> client(PATIENCE).request(ControlCommand.STATUS));
            assertEquals("busy", e.code());
            assertEquals(ControlFailure.Kind.AGENT_ERROR, e.kind());
            serveOnce(server, busy);
            assertEquals("busy", client(PATIENCE).exchange(ControlCommand.STATUS).get("error").asText());
        }
    }

    @Test
    void noReplyInTimeOrNoneAtAllIsAProtocolFailure() throws Exception {
        try (ServerSocketChannel server = listen()) {
            serveOnce(server, "");
            ProtocolException closed = assertThrows(ProtocolException.class,
                    () -> client(PATIENCE).request(ControlCommand.STATUS));
            assertEquals("protocol error: the agent closed the connection without replying", closed.getMessage());
            CompletableFuture<SocketChannel> silent = CompletableFuture.supplyAsync(() -> {
                try {
                    return server.accept();
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            });
            ProtocolException late = assertThrows(ProtocolException.class,
                    () -> client(Duration.ofMillis(200)).request(ControlCommand.STATUS));
            assertEquals("protocol error: no reply from the agent within 200 ms", late.getMessage());
            silent.get(5, TimeUnit.SECONDS).close();
        }
    }

    @Test
    void nothingListeningIsNotRunning() throws Exception {
        ControlFailure missing = assertThrows(AgentUnreachableException.class,
                () -> client(PATIENCE).request(ControlCommand.STATUS));
        assertEquals(ControlFailure.Kind.NOT_RUNNING, missing.kind());
        Files.createFile(dir.resolve("agent.sock"));
        assertEquals(ControlFailure.Kind.NOT_RUNNING,
                assertThrows(ControlFailure.class, () -> client(PATIENCE).request(ControlCommand.STATUS)).kind());
    }

    @Test
    void followHandsOverEveryEventLineAfterTheAcknowledgement() throws Exception {
        try (ServerSocketChannel server = listen()) {
            serveOnce(server, "{\"v\":1,\"ok\":true,\"data\":{\"following\":true}}\n{\"type\":\"move\"}\n\n"
                    + "{\"type\":\"ack\"}\n");
            List<String> lines = new ArrayList<>();
            AgentUnreachableException end = assertThrows(AgentUnreachableException.class,
                    () -> client(PATIENCE).follow(line -> lines.add(line)));
            assertEquals(List.of("{\"type\":\"move\"}", "{\"type\":\"ack\"}"), lines);
            assertEquals("the SACIP agent at " + dir.resolve("agent.sock") + " closed the event stream",
                    end.getMessage());
        }
    }
}
