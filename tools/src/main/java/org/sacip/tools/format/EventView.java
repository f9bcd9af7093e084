package org.sacip.tools.format;

import java.util.Arrays;

import org.sacip.control.EventType;

import com.fasterxml.jackson.databind.JsonNode;

/** One followed event per line: time, type (padded so summaries line up), summary. */
public final class EventView {
    /** The longest event type the agent sends ("key-expired"). */
    private static final int TYPE_WIDTH = Arrays.stream(EventType.values()).mapToInt(t -> t.wireName().length()).max()
            .orElse(0);

    private EventView() {
    }

    public static String render(JsonNode event) {
        String type = Fields.text(event, "type");
        return Fields.text(event, "time") + "  " + type + " ".repeat(Math.max(0, TYPE_WIDTH - type.length()))
                + "  " + Fields.text(event, "summary") + '\n';
    }
}
