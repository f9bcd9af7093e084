package org.sacip.control;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * A successful reply: the payload as a tree for the human views, and as the exact text the agent sent so that
 * {@code -j} can pass it through untouched. That text is located only when asked for: it takes a second pass over
 * the line, and a session list of 1,000 sessions is a few hundred kilobytes.
 */
public final class ControlReply {
    private final JsonNode data;
    private final String line;

    ControlReply(JsonNode data, String line) {
        this.data = data;
        this.line = line;
    }

    /** The value of "data". */
    public JsonNode data() {
        return data;
    }

    /** The text of the value of "data" exactly as the agent sent it. */
    public String rawData() {
        try {
            return ReplyParser.rawDataOf(line);
        } catch (ProtocolException e) {
            throw new IllegalStateException("a reply that parsed has its \"data\" text", e);
        }
    }
}
