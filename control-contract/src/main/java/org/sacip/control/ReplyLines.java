package org.sacip.control;

import com.fasterxml.jackson.core.JsonProcessingException;
import java.util.Arrays;

/** Encodes the agent's reply and event lines: one JSON object, UTF-8, terminated by "\n". */
public final class ReplyLines {
    /** {"v":1,"ok":true,"data":...}: the fields in this order. */
    private record Ok(int v, boolean ok, Object data) {
    }

    /** {"v":1,"ok":false,"error":code,"message":text}. */
    private record Failed(int v, boolean ok, String error, String message) {
    }

    private ReplyLines() {
    }

    /** A successful reply; throws if the payload cannot be encoded (the caller answers internal). */
    public static byte[] ok(Object data) throws JsonProcessingException {
        return line(new Ok(ControlProtocol.VERSION, true, data));
    }

    /** An error reply; cannot fail. */
    public static byte[] error(ControlError error, String message) {
        try {
            return line(new Failed(ControlProtocol.VERSION, false, error.code(), message));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a record of strings always encodes", e);
        }
    }

    /** One events line: the event itself (time, type, summary, fields). */
    public static byte[] event(AgentEvent event) throws JsonProcessingException {
        return line(event);
    }

    private static byte[] line(Object value) throws JsonProcessingException {
        byte[] json = ControlJson.MAPPER.writeValueAsBytes(value);
        byte[] line = Arrays.copyOf(json, json.length + 1);
        line[json.length] = '\n';
        return line;
    }
}
