package org.sacip.agent.control;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;

/** Encodes reply and event lines: one JSON object, UTF-8, terminated by "\n". */
final class ControlReply {
    static final int PROTOCOL_VERSION = 1;

    private ControlReply() {
    }

    /** {"v":1,"ok":true,"data":...}; throws if the payload cannot be encoded (the caller answers internal). */
    static byte[] ok(Object data) throws JsonProcessingException {
        ObjectNode reply = ControlJson.MAPPER.createObjectNode();
        reply.put("v", PROTOCOL_VERSION);
        reply.put("ok", true);
        reply.set("data", ControlJson.MAPPER.valueToTree(data));
        return line(reply);
    }

    /** {"v":1,"ok":false,"error":code,"message":text}; cannot fail. */
    static byte[] error(ControlError error, String message) {
        ObjectNode reply = ControlJson.MAPPER.createObjectNode();
        reply.put("v", PROTOCOL_VERSION);
        reply.put("ok", false);
        reply.put("error", error.code());
        reply.put("message", message);
        try {
            return line(reply);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a tree of strings always encodes", e);
        }
    }

    /** One events line: the AgentEvent itself (time, type, summary, fields). */
    static byte[] event(AgentEvent event) throws JsonProcessingException {
        return line(event);
    }

    private static byte[] line(Object value) throws JsonProcessingException {
        String json = ControlJson.MAPPER.writeValueAsString(value);
        return (json + "\n").getBytes(StandardCharsets.UTF_8);
    }
}
