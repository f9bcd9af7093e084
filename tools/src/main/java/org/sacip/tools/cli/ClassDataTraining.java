package org.sacip.tools.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import org.sacip.control.ControlCommand;
import org.sacip.control.ControlProtocol;
import org.sacip.control.FlushResult;
import org.sacip.control.GhostRow;
import org.sacip.control.GhostState;
import org.sacip.control.PeerRow;
import org.sacip.control.ReplyLines;
import org.sacip.control.SessionRow;
import org.sacip.control.SessionState;
import org.sacip.control.StatusView;
import org.sacip.control.VersionInfo;

/**
 * The run a class-data archive of sacipctl is written from (bin/lib/sacipctl.sh): every everyday command line, in
 * its human and JSON forms, against a control socket this process serves itself in a private temporary directory, plus
 * a filtered listing and the help that go through picocli, so that the archive holds the classes real runs load
 * whether or not an agent is running. Its output goes nowhere; the replies are example rows shaped by the contract's
 * records (one of each state), never shown to anyone.
 */
public final class ClassDataTraining {
    private static final List<List<String>> LINES = List.of(List.of("status"), List.of("sessions"),
            List.of("peers"), List.of("ghosts"), List.of("version"), List.of("-j", "status"), List.of("-p", "sessions"),
            List.of("sessions", "-t", "--state", "active", "--src", "198.18.0.1", "--dport", "22"),
            List.of("--help"), List.of("status", "--bogus"));

    private ClassDataTraining() {
    }

    public static void main(String[] args) throws IOException, InterruptedException {
        Path directory = Files.createTempDirectory("sacipctl-training");
        Path socket = directory.resolve("agent.sock");
        try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            server.bind(UnixDomainSocketAddress.of(socket));
            Thread agent = new Thread(() -> serve(server), "training-agent");
            agent.setDaemon(true);
            agent.start();
            PrintWriter nowhere = new PrintWriter(Writer.nullWriter());
            Invocation invocation = new Invocation(nowhere, nowhere, Map.of(GlobalOptions.SOCKET_ENV,
                    socket.toString()), Terminal.system(), Duration.ofSeconds(5));
            for (List<String> line : LINES) {
                org.sacip.tools.SacipCtl.run(invocation, line.toArray(String[]::new));
            }
        } finally {
            Files.deleteIfExists(socket);
            Files.delete(directory);
        }
    }

    /** Answers each connection's request line with an example reply of its command, until the socket closes. */
    private static void serve(ServerSocketChannel server) {
        while (server.isOpen()) {
            try (SocketChannel client = server.accept()) {
                ByteBuffer request = ByteBuffer.allocate(ControlProtocol.MAX_REQUEST_BYTES);
                while (client.read(request) > 0 && request.get(request.position() - 1) != '\n') {
                    // until the newline
                }
                String line = new String(request.array(), 0, request.position(), StandardCharsets.UTF_8);
                ByteBuffer reply = ByteBuffer.wrap(reply(line));
                while (reply.hasRemaining()) {
                    client.write(reply);
                }
            } catch (IOException e) {
                return; // the server was closed: training is over
            }
        }
    }

    private static byte[] reply(String request) throws IOException {
        ControlCommand command = ControlCommand.byWireName(request.replaceAll(".*\"cmd\":\"([a-z]+)\".*\\s*", "$1"))
                .orElse(ControlCommand.VERSION);
        String local = "198.18.0.1:40000";
        String remote = "198.19.0.9:22";
        return switch (command) {
            case STATUS -> ReplyLines.ok(new StatusView("0", "2025-01-02T03:04:05Z", 1,
                    List.of(new StatusView.ManagedAddress("198.18.0.1", "eth0")), 1, 1, 1, 1, 0,
                    Map.of("BAD_MAC", 1L), 1, 1, Map.of("UNROUTABLE", 1L), List.of(new StatusView.BoundRow("keys", 1,
                            2)), 1, 2, Map.of("relayed", 1L), Map.of("kicked", 1L),
                    Map.of("port", 4253L, "lineages", 1L, "keepalives_unanswered", 1L)));
            case SESSIONS -> ReplyLines.ok(Arrays.stream(SessionState.values()).map(state -> new SessionRow(
                    "tcp", local, remote, local, local, remote, state, "2025-01-02T03:04:05Z", "198.19.0.9",
                    "00112233445566aa", "bound", "rewritten", "198.19.255.1:61000", "198.18.0.1:40000")).toList());
            case PEERS -> ReplyLines.ok(List.of(new PeerRow("198.19.0.9", "198.18.0.1", "198.19.0.9", "198.18.0.1",
                    "198.18.0.1", "sacip-v2", "00112233445566aa", "8899aabbccddeeff", 1L, 1, 1, 1,
                    "2025-01-02T03:04:05Z", 1.5, "udp", "198.19.255.1:61000", "local")));
            case GHOSTS -> ReplyLines.ok(List.of(new GhostRow("198.18.0.1", GhostState.ACTIVE, 1)));
            case FLUSH -> ReplyLines.ok(new FlushResult(0, 0));
            default -> ReplyLines.ok(new VersionInfo("0", ControlProtocol.VERSION));
        };
    }
}
