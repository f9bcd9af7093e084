package org.sacip.agent.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.core.JsonProcessingException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.sacip.control.AgentErrorException;
import org.sacip.control.AgentEvent;
import org.sacip.control.ControlClient;
import org.sacip.control.ControlCommand;
import org.sacip.control.ControlJson;
import org.sacip.control.ControlProtocol;
import org.sacip.control.EventType;
import org.sacip.control.FlushResult;
import org.sacip.control.GhostRow;
import org.sacip.control.PeerRow;
import org.sacip.control.ProtocolException;
import org.sacip.control.SessionRow;
import org.sacip.control.StatusView;
import org.sacip.control.VersionInfo;
import org.sacip.testing.Eventually;

/**
 * The client sacipctl and the lab use, against the real server: every reply decodes into the record the contract
 * names for its command and equals what the agent's API gave; an error reply is a typed failure; events follow.
 */
class SharedClientTest extends RunningControlServer {
    private static final Duration PATIENCE = Duration.ofSeconds(5);

    private ControlClient client() {
        return new ControlClient(socket, PATIENCE);
    }

    private <T> T payload(ControlCommand command, Class<T> type) throws Exception {
        return ControlJson.MAPPER.treeToValue(client().request(command).data(), type);
    }

    private <T> List<T> payloads(ControlCommand command, Class<T> type) throws Exception {
        List<T> rows = new ArrayList<>();
        for (var row : client().request(command).data()) {
            rows.add(ControlJson.MAPPER.treeToValue(row, type));
        }
        return rows;
    }

    @Test
    void everyReplyDecodesIntoTheRecordTheAgentSent() throws Exception {
        assertEquals(api.status(), payload(ControlCommand.STATUS, StatusView.class));
        assertEquals(api.sessions(), payloads(ControlCommand.SESSIONS, SessionRow.class));
        assertEquals(api.peers(), payloads(ControlCommand.PEERS, PeerRow.class));
        assertEquals(api.ghosts(), payloads(ControlCommand.GHOSTS, GhostRow.class));
        assertEquals(new VersionInfo("0.1.0-test", ControlProtocol.VERSION),
                payload(ControlCommand.VERSION, VersionInfo.class));
    }

    @Test
    void theContractNamesEachCommandsPayload() throws Exception {
        for (ControlCommand command : List.of(ControlCommand.STATUS, ControlCommand.SESSIONS, ControlCommand.PEERS,
                ControlCommand.GHOSTS, ControlCommand.VERSION)) {
            var data = client().request(command).data();
            assertEquals(command.listOfPayloads(), data.isArray(), command.wireName());
            for (var one : command.listOfPayloads() ? data : List.of(data)) {
                ControlJson.MAPPER.treeToValue(one, command.payload());
            }
        }
    }

    @Test
    void anErrorReplyIsATypedFailureAndExchangeShowsItAsSent() throws Exception {
        // The test runs as root or not: a flush is either carried out or refused, and both are decoded.
        var reply = client().exchange(ControlCommand.FLUSH);
        if (reply.get("ok").asBoolean()) {
            assertEquals(new FlushResult(2, 1), ControlJson.MAPPER.treeToValue(reply.get("data"), FlushResult.class));
        } else {
            assertEquals("permission", reply.get("error").asText(), reply.toString());
        }
        api.statusFailure = new IllegalStateException("boom");
        AgentErrorException e = assertThrows(AgentErrorException.class, () -> client().request(ControlCommand.STATUS));
        assertEquals("internal", e.code());
    }

    @Test
    void followedEventsDecodeIntoAgentEvents() throws Exception {
        List<AgentEvent> seen = new CopyOnWriteArrayList<>();
        CompletableFuture<Void> following = CompletableFuture.runAsync(() -> {
            try {
                client().follow(line -> {
                    try {
                        seen.add(ControlJson.MAPPER.readValue(line, AgentEvent.class));
                    } catch (JsonProcessingException e) {
                        throw new ProtocolException("not an event: " + line, e);
                    }
                    return seen.size() < 2;
                });
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        Eventually.await(PATIENCE, () -> feed.subscriberCount() == 1, () -> "the client to start following");
        AgentEvent move = new AgentEvent("2025-01-02T03:04:05Z", EventType.MOVE, "move", Map.of("original",
                "198.18.0.1", "previous", "198.18.0.1", "active", "198.18.0.7", "interface", "eth1", "kind",
                "MAKE_BEFORE_BREAK", "sessions", "1", "peers", "1"));
        AgentEvent restore = new AgentEvent("2025-01-02T03:04:06Z", EventType.RESTORE, "restored",
                Map.of("reason", "lost address events", "remappings", "1", "ghosts", "0"));
        feed.publish(move);
        feed.publish(restore);
        following.get(PATIENCE.toSeconds(), TimeUnit.SECONDS);
        assertEquals(List.of(move, restore), seen);
    }
}
