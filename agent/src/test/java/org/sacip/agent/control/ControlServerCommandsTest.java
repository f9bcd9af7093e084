package org.sacip.agent.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

/** Every command's reply over a real socket: envelope, snake_case names, arrays. */
class ControlServerCommandsTest extends RunningControlServer {

    private JsonNode data(String command) throws Exception {
        JsonNode reply = ControlClient.ask(socket, "{\"v\":1,\"cmd\":\"" + command + "\"}");
        assertEquals(1, reply.get("v").asInt(), reply.toString());
        assertTrue(reply.get("ok").asBoolean(), reply.toString());
        assertEquals(3, reply.size(), "only v, ok and data: " + reply);
        return reply.get("data");
    }

    @Test
    void statusIsTheStatusViewInSnakeCase() throws Exception {
        JsonNode status = data("status");
        assertEquals("0.1.0-test", status.get("version").asText());
        assertEquals("2025-01-02T03:04:05Z", status.get("started").asText());
        assertEquals(42, status.get("uptime_seconds").asLong());
        assertEquals("198.18.0.1", status.get("managed_addresses").get(0).get("address").asText());
        assertEquals("eth0", status.get("managed_addresses").get(0).get("interface_name").asText());
        assertEquals(2, status.get("drops").get("BAD_MAC").asLong(), "map keys are kept as given");
        assertEquals(0, status.get("drops").get("REPLAY").asLong());
        assertEquals(2, status.get("drops_total").asLong());
        assertEquals(1, status.get("path_mtu").get("relayed").asLong());
        assertEquals(2, status.get("retransmission_kicks").get("kicked").asLong());
        assertFalse(status.has("uptimeSeconds"));
    }

    @Test
    void sessionsIsAnArrayOfRows() throws Exception {
        JsonNode sessions = data("sessions");
        assertTrue(sessions.isArray());
        assertEquals(2, sessions.size());
        JsonNode row = sessions.get(0);
        assertEquals("tcp", row.get("proto").asText());
        assertEquals("198.18.0.7:40000", row.get("active_local").asText());
        assertEquals("198.19.0.9:22", row.get("active_remote").asText());
        assertEquals("active", row.get("state").asText());
        assertEquals("198.19.0.9", row.get("peer").asText());
    }

    @Test
    void peersIsAnArrayWithNullsForUnknownValues() throws Exception {
        JsonNode peers = data("peers");
        assertEquals(2, peers.size());
        JsonNode peer = peers.get(0);
        assertEquals("198.18.0.7", peer.get("local_current").asText());
        assertEquals("k1", peer.get("key_id").asText());
        assertEquals(30, peer.get("key_age_seconds").asLong());
        assertEquals(5, peer.get("last_sequence_sent").asLong());
        assertEquals(4, peer.get("last_sequence_received").asLong());
        assertEquals(1.5, peer.get("rtt_ms").asDouble());
        JsonNode silent = peers.get(1);
        assertEquals("sacip-v2", silent.get("capability").asText());
        assertEquals(0, silent.get("sessions").asInt());
        assertTrue(silent.get("last_seen").isNull());
        assertTrue(silent.get("rtt_ms").isNull());
    }

    @Test
    void ghostsIsAnArray() throws Exception {
        JsonNode ghosts = data("ghosts");
        assertEquals(1, ghosts.size());
        assertEquals("198.18.0.1", ghosts.get(0).get("address").asText());
        assertEquals("active", ghosts.get(0).get("state").asText());
        assertEquals(1, ghosts.get(0).get("sessions").asInt());
    }

    @Test
    void flushAsRootReturnsWhatWasRemoved() throws Exception {
        JsonNode flushed = data("flush");
        assertEquals(2, flushed.get("sessions").asInt());
        assertEquals(1, flushed.get("ghosts").asInt());
        assertEquals(1, api.flushes.get());
    }

    @Test
    void versionNamesTheAgentAndTheProtocol() throws Exception {
        JsonNode version = data("version");
        assertEquals("0.1.0-test", version.get("version").asText());
        assertEquals(1, version.get("protocol").asInt());
        assertEquals(2, version.size());
    }

    @Test
    void theConnectionClosesAfterTheReplyAndExtraInputIsIgnored() throws Exception {
        try (ControlClient client = ControlClient.connect(socket)) {
            client.send("{\"v\":1,\"cmd\":\"version\"}\n{\"v\":1,\"cmd\":\"status\"}\n");
            assertTrue(client.readJson(ControlClient.PATIENCE).get("data").has("protocol"));
            assertTrue(client.endsWithin(ControlClient.PATIENCE), "one reply, then the server closes");
        }
    }

    @Test
    void unknownFieldsAndCarriageReturnAreAccepted() throws Exception {
        JsonNode reply = ControlClient.ask(socket, "{\"cmd\":\"version\",\"v\":1,\"client\":\"sacipctl\"}\r");
        assertTrue(reply.get("ok").asBoolean(), reply.toString());
    }

    @Test
    void aLineOfExactly4096BytesWithItsNewlineIsServed() throws Exception {
        String request = "{\"v\":1,\"cmd\":\"version\"}";
        String padded = request + " ".repeat(4095 - request.length());
        assertEquals(4095, padded.length());
        JsonNode reply = ControlClient.ask(socket, padded);
        assertTrue(reply.get("ok").asBoolean(), reply.toString());
    }
}
