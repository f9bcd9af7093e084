package org.sacip.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ReplyParserTest {
    @Test
    void theRawPayloadIsTheExactTextTheAgentSent() throws Exception {
        String payload = "{ \"rtt_ms\" : 12.50, \"x\":[1, 2] ,\"s\":\"a\\\"b\"}";
        ControlReply reply = ReplyParser.parse("{\"v\":1, \"ok\":true, \"data\": " + payload + " , \"extra\":0}");
        assertEquals(payload, reply.rawData());
        assertEquals("12.50", reply.data().get("rtt_ms").decimalValue().toPlainString());
    }

    @Test
    void scalarAndStringPayloadsToo() throws Exception {
        assertEquals("\"a\\u0041 b\"", ReplyParser.parse("{\"v\":1,\"ok\":true,\"data\":\"a\\u0041 b\"}").rawData());
        assertEquals("[]", ReplyParser.parse("{\"data\":[],\"ok\":true,\"v\":1}").rawData());
        assertEquals("null", ReplyParser.parse("{\"v\":1,\"ok\":true,\"data\":null}").rawData());
    }

    @Test
    void anErrorReplyCarriesCodeAndMessage() {
        AgentErrorException e = assertThrows(AgentErrorException.class,
                () -> ReplyParser.parse("{\"v\":1,\"ok\":false,\"error\":\"busy\",\"message\":\"try again\"}"));
        assertEquals("busy", e.code());
        assertEquals("busy: try again", e.getMessage());
        assertEquals(ControlFailure.Kind.AGENT_ERROR, e.kind());
    }

    @Test
    void aPermissionErrorIsAPermissionFailure() {
        ControlFailure e = assertThrows(PermissionDeniedException.class,
                () -> ReplyParser.parse("{\"v\":1,\"ok\":false,\"error\":\"permission\",\"message\":\"flush needs root\"}"));
        assertEquals("permission denied: flush needs root (are you root or in the sacip group?)", e.getMessage());
        assertEquals(ControlFailure.Kind.PERMISSION, e.kind());
    }

    @ParameterizedTest
    @ValueSource(strings = {"garbage", "", "[1,2]", "{\"v\":1,\"ok\":true,\"data\":{}} trailing",
            "{\"v\":2,\"ok\":true,\"data\":{}}", "{\"v\":\"1\",\"ok\":true,\"data\":{}}", "{\"ok\":true,\"data\":{}}",
            "{\"v\":1,\"data\":{}}", "{\"v\":1,\"ok\":\"yes\",\"data\":{}}", "{\"v\":1,\"ok\":true}",
            "{\"v\":1,\"ok\":false}", "{\"v\":1,\"ok\":true,\"data\":{\"a\":"})
    void anythingOffProtocolIsAProtocolError(String line) {
        ProtocolException e = assertThrows(ProtocolException.class, () -> ReplyParser.parse(line));
        assertEquals(ControlFailure.Kind.PROTOCOL, e.kind());
        assertTrue(e.getMessage().startsWith("protocol error: "), e.getMessage());
        assertTrue(!e.getMessage().contains("\n"), "one line");
    }
}
