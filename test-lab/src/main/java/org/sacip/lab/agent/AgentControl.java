package org.sacip.lab.agent;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.sacip.lab.LabException;

/**
 * One agent's control socket (docs/CONTROL.md, protocol v1), spoken directly: one JSON line out, one back. The same
 * answers bin/sacipctl prints, without starting a JVM per question. The socket is a file, so the lab reaches it
 * from its own namespace.
 */
public final class AgentControl {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path socket;

    public AgentControl(Path socket) {
        this.socket = socket;
    }

    public Path socket() {
        return socket;
    }

    /** The remapped sessions ({@code sessions}). */
    public List<AgentSession> sessions() {
        List<AgentSession> sessions = new ArrayList<>();
        for (JsonNode row : request("sessions")) {
            sessions.add(new AgentSession(row.path("proto").asText(), row.path("local").asText(),
                    row.path("remote").asText(), row.path("active_local").asText(), row.path("active_remote").asText(),
                    row.path("state").asText(), row.path("peer").asText()));
        }
        return sessions;
    }

    /** The peers the agent knows ({@code peers}). */
    public List<AgentPeer> peers() {
        List<AgentPeer> peers = new ArrayList<>();
        for (JsonNode row : request("peers")) {
            JsonNode key = row.path("key_id");
            peers.add(new AgentPeer(row.path("address").asText(), row.path("capability").asText(),
                    key.isTextual() ? key.asText() : null));
        }
        return peers;
    }

    /** The {@code status} payload: version, moves, restores, drops by reason, drops_total. */
    public JsonNode status() {
        return request("status");
    }

    /** True when an agent answers on the socket (a stale socket file of a killed agent does not). */
    public boolean answers() {
        try {
            request("version");
            return true;
        } catch (LabException e) {
            return false;
        }
    }

    /** Sends one command and returns the reply's data; an error reply or no answer is a LabException. */
    public JsonNode request(String command) {
        try (SocketChannel channel = SocketChannel.open(UnixDomainSocketAddress.of(socket))) {
            channel.write(ByteBuffer.wrap(("{\"v\":1,\"cmd\":\"" + command + "\"}\n").getBytes(StandardCharsets.UTF_8)));
            ByteArrayOutputStream reply = new ByteArrayOutputStream();
            ByteBuffer buffer = ByteBuffer.allocate(8192);
            while (channel.read(buffer) >= 0) {
                reply.write(buffer.array(), 0, buffer.position());
                buffer.clear();
            }
            JsonNode node = JSON.readTree(reply.toString(StandardCharsets.UTF_8));
            if (node == null || !node.path("ok").asBoolean(false)) {
                throw new LabException("agent at " + socket + " refused " + command + ": " + node);
            }
            return node.path("data");
        } catch (IOException e) {
            throw new LabException("no answer from the agent at " + socket + " to " + command + ": " + e.getMessage(), e);
        }
    }
}
