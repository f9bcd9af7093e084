package org.sacip.control;

import java.util.Map;
import java.util.Objects;

/**
 * One line of {@code events} after its acknowledgement: {@code time} ISO 8601, {@code type}, {@code summary} a
 * sentence for humans, {@code fields} the details as text (the keys {@link EventType#fields()} names).
 */
public record AgentEvent(String time, EventType type, String summary, Map<String, String> fields) {
    public AgentEvent {
        Objects.requireNonNull(time);
        Objects.requireNonNull(type);
        Objects.requireNonNull(summary);
        fields = Map.copyOf(fields);
    }
}
