package org.sacip.agent.handover;

import java.util.Map;

/** Where the handover reports what happened (the control socket's event feed); must never block. */
@FunctionalInterface
public interface HandoverEvents {
    void publish(String type, String summary, Map<String, String> fields);

    HandoverEvents NONE = (type, summary, fields) -> { };
}
