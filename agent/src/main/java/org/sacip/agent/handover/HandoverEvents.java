package org.sacip.agent.handover;

import java.util.Map;
import org.sacip.control.EventType;

/** Where the handover reports what happened (the control socket's event feed); must never block. */
@FunctionalInterface
public interface HandoverEvents {
    void publish(EventType type, String summary, Map<String, String> fields);

    HandoverEvents NONE = (type, summary, fields) -> { };
}
