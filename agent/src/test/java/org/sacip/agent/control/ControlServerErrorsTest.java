package org.sacip.agent.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Every error code over a real socket, and that the server keeps serving afterwards. */
class ControlServerErrorsTest extends RunningControlServer {

    @AfterEach
    void stillServing() throws Exception {
        JsonNode after = ControlClient.ask(socket, "{\"v\":1,\"cmd\":\"version\"}");
        assertTrue(after.get("ok").asBoolean(), "still serving after the error: " + after);
    }

    private static void assertError(String code, JsonNode reply) {
        assertEquals(1, reply.get("v").asInt(), reply.toString());
        assertFalse(reply.get("ok").asBoolean(), reply.toString());
        assertEquals(code, reply.get("error").asText(), reply.toString());
        assertTrue(reply.get("message").isTextual() && !reply.get("message").asText().isBlank(), reply.toString());
        assertEquals(4, reply.size(), "only v, ok, error, message: " + reply);
    }

    @Test
    void notJsonIsABadRequest() throws Exception {
        assertError("bad_request", ControlClient.ask(socket, "status please"));
    }

    @Test
    void aJsonArrayIsABadRequest() throws Exception {
        assertError("bad_request", ControlClient.ask(socket, "[{\"v\":1,\"cmd\":\"status\"}]"));
    }

    @Test
    void aMissingCommandIsABadRequest() throws Exception {
        JsonNode reply = ControlClient.ask(socket, "{\"v\":1}");
        assertError("bad_request", reply);
        assertTrue(reply.get("message").asText().contains("cmd"), reply.toString());
    }

    @Test
    void anEmptyLineIsABadRequest() throws Exception {
        assertError("bad_request", ControlClient.ask(socket, ""));
    }

    @Test
    void versionTwoIsUnsupported() throws Exception {
        assertError("unsupported_version", ControlClient.ask(socket, "{\"v\":2,\"cmd\":\"status\"}"));
    }

    @Test
    void anUnknownCommandIsNamed() throws Exception {
        JsonNode reply = ControlClient.ask(socket, "{\"v\":1,\"cmd\":\"reboot\"}");
        assertError("unknown_command", reply);
        assertTrue(reply.get("message").asText().contains("reboot"), reply.toString());
    }

    @Test
    void aLineOver4096BytesIsTooLarge() throws Exception {
        try (ControlClient client = ControlClient.connect(socket)) {
            client.send("x".repeat(5000));
            assertError("too_large", client.readJson(ControlClient.PATIENCE));
        }
    }

    @Test
    void aLineEndingWithoutNewlineIsABadRequest() throws Exception {
        try (ControlClient client = ControlClient.connect(socket)) {
            client.send("{\"v\":1,\"cmd\":\"status\"}");
            // Half-close: the request is over but never got its newline.
            client.finishSending();
            assertError("bad_request", client.readJson(ControlClient.PATIENCE));
        }
    }

    @Test
    void halfALineThenSilenceTimesOutAfterTwoSeconds() throws Exception {
        try (ControlClient client = ControlClient.connect(socket)) {
            long started = System.nanoTime();
            client.send("{\"v\":1,\"cm");
            // Patient beyond the 2 s: how soon after them the reply comes depends on the machine's load.
            JsonNode reply = client.readJson(Duration.ofSeconds(20));
            Duration waited = Duration.ofNanos(System.nanoTime() - started);
            assertError("timeout", reply);
            assertTrue(waited.compareTo(Duration.ofMillis(1900)) >= 0, "not before 2 s: " + waited);
        }
    }

    @Test
    void aControlExceptionIsFailedWithItsMessage() throws Exception {
        api.flushFailure = new ControlException("nft refused: table busy");
        JsonNode reply = ControlClient.ask(socket, "{\"v\":1,\"cmd\":\"flush\"}");
        assertError("failed", reply);
        assertEquals("nft refused: table busy", reply.get("message").asText());
    }

    @Test
    void anUnexpectedExceptionIsInternalWithoutATrace() throws Exception {
        api.statusFailure = new IllegalStateException("secret detail from deep inside");
        JsonNode reply = ControlClient.ask(socket, "{\"v\":1,\"cmd\":\"status\"}");
        assertError("internal", reply);
        String message = reply.get("message").asText();
        assertFalse(message.contains("secret detail"), message);
        assertFalse(message.contains("Exception"), message);
        assertFalse(message.contains("\tat "), message);
        api.statusFailure = null;
    }
}
