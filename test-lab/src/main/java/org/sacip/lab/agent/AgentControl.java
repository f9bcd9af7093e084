package org.sacip.lab.agent;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.sacip.control.ControlClient;
import org.sacip.control.ControlCommand;
import org.sacip.control.ControlFailure;
import org.sacip.lab.LabException;

/**
 * One agent's control socket (docs/CONTROL.md, protocol v1), through the contract's client that sacipctl uses: the
 * same answers bin/sacipctl prints, without starting a JVM per question. The socket is a file, so the lab reaches it
 * from its own namespace.
 */
public final class AgentControl {
    // Generous: a loaded two-core machine answering for 1,000 sessions; a hung agent still cannot hang the lab.
    private static final Duration ANSWER_LIMIT = Duration.ofSeconds(30);

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
        for (JsonNode row : request(ControlCommand.SESSIONS)) {
            sessions.add(new AgentSession(row.path("proto").asText(), row.path("local").asText(),
                    row.path("remote").asText(), row.path("active_local").asText(), row.path("active_remote").asText(),
                    row.path("state").asText(), row.path("peer").asText()));
        }
        return sessions;
    }

    /** The peers the agent knows ({@code peers}). */
    public List<AgentPeer> peers() {
        List<AgentPeer> peers = new ArrayList<>();
        for (JsonNode row : request(ControlCommand.PEERS)) {
            JsonNode key = row.path("key_id");
            peers.add(new AgentPeer(row.path("address").asText(), row.path("capability").asText(),
                    key.isTextual() ? key.asText() : null, row.path("sessions").asInt(0)));
        }
        return peers;
    }

    /** The {@code status} payload: version, moves, restores, drops by reason, drops_total. */
    public JsonNode status() {
        return request(ControlCommand.STATUS);
    }

    /** True when an agent answers on the socket (a stale socket file of a killed agent does not). */
    public boolean answers() {
        try {
            request(ControlCommand.VERSION);
            return true;
        } catch (LabException e) {
            return false;
        }
    }

    /** Sends one command and returns the reply's data; an error reply or no answer is a LabException. */
    public JsonNode request(ControlCommand command) {
        try {
            return new ControlClient(socket, ANSWER_LIMIT).request(command).data();
        } catch (ControlFailure e) {
            throw new LabException("the agent at " + socket + " did not answer " + command.wireName() + ": "
                    + e.getMessage(), e);
        }
    }
}
