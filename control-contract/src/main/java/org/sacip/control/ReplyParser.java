package org.sacip.control;

import java.io.IOException;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;

/** Checks one reply line against the control protocol and turns it into a payload or the matching failure. */
public final class ReplyParser {
    private ReplyParser() {
    }

    public static ControlReply parse(String line) throws ControlFailure {
        JsonNode reply = parseJson(line, "the agent's reply");
        if (!reply.isObject()) {
            throw new ProtocolException("the agent's reply is not a JSON object");
        }
        JsonNode version = reply.get("v");
        if (version == null || !version.isIntegralNumber() || version.asInt() != ControlProtocol.VERSION) {
            throw new ProtocolException("the agent replied with control protocol version "
                    + (version == null ? "(none)" : version.toString()) + "; this client speaks version "
                    + ControlProtocol.VERSION);
        }
        JsonNode ok = reply.get("ok");
        if (ok == null || !ok.isBoolean()) {
            throw new ProtocolException("the agent's reply has no boolean \"ok\"");
        }
        if (!ok.booleanValue()) {
            throw failureOf(reply);
        }
        if (!reply.has("data")) {
            throw new ProtocolException("the agent's reply has \"ok\":true but no \"data\"");
        }
        return new ControlReply(reply.get("data"), line);
    }

    /** Parses one line of JSON (a reply or an event), naming {@code what} in the error. */
    public static JsonNode parseJson(String line, String what) throws ProtocolException {
        try {
            JsonNode node = JsonTrees.read(line);
            if (node == null || node.isMissingNode()) {
                throw new ProtocolException(what + " is empty");
            }
            return node;
        } catch (JsonProcessingException e) {
            throw new ProtocolException(what + " is not JSON: " + abbreviate(line), e);
        }
    }

    private static ControlFailure failureOf(JsonNode reply) throws ProtocolException {
        JsonNode code = reply.get("error");
        if (code == null || !code.isTextual()) {
            throw new ProtocolException("the agent's error reply has no \"error\" code");
        }
        JsonNode message = reply.get("message");
        String text = message != null && message.isTextual() ? message.textValue() : "(no message)";
        if (code.textValue().equals(ControlError.PERMISSION.code())) {
            return new PermissionDeniedException(text);
        }
        return new AgentErrorException(code.textValue(), text);
    }

    /** The text of the "data" value exactly as sent, located with the streaming parser's offsets. */
    static String rawDataOf(String line) throws ProtocolException {
        try (JsonParser parser = JsonTrees.FACTORY.createParser(line)) {
            parser.nextToken();
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String name = parser.currentName();
                parser.nextToken();
                int start = (int) parser.currentTokenLocation().getCharOffset();
                parser.skipChildren();
                parser.finishToken(); // a string value is read lazily; its end is only known once read
                if (name.equals("data")) {
                    int end = (int) parser.currentLocation().getCharOffset();
                    return line.substring(start, end);
                }
            }
            throw new ProtocolException("the agent's reply has no \"data\"");
        } catch (IOException e) {
            throw new ProtocolException("the agent's reply is not JSON", e);
        }
    }

    static String abbreviate(String text) {
        String oneLine = text.replaceAll("\\p{Cntrl}", "?");
        return oneLine.length() <= 60 ? "'" + oneLine + "'" : "'" + oneLine.substring(0, 60) + "...'";
    }
}
