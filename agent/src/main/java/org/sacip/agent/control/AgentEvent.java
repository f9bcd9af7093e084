package org.sacip.agent.control;

import java.util.Map;

/**
 * One line of {@code sacipctl events --follow}: {@code time} ISO 8601, {@code type} one of move, update, ack,
 * peer-moved, refused, drop, restore, session-end, key; {@code summary} a human sentence; {@code fields} the
 * details as text.
 */
public record AgentEvent(String time, String type, String summary, Map<String, String> fields) {
    public AgentEvent {
        fields = Map.copyOf(fields);
    }
}
