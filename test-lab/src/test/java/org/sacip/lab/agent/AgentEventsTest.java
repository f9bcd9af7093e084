package org.sacip.lab.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

/** An event's own time, as the bench's key figure reads it: µs since the epoch, or nothing when it cannot be read. */
class AgentEventsTest {
    @Test
    void theAgentsTimeIsReadToTheMicrosecond() {
        AgentEvents.Event event = event("{\"time\":\"2026-12-05T10:29:57.713123Z\",\"type\":\"key\","
                + "\"summary\":\"key\",\"fields\":{\"peer\":\"198.18.10.14\",\"local\":\"198.18.2.2\"}}");
        assertEquals(OptionalLong.of(1_796_466_597_713_123L), event.publishedMicros());
    }

    @Test
    void aLineWithoutAReadableTimeHasNone() {
        assertEquals(OptionalLong.empty(), event("{\"type\":\"key\"}").publishedMicros());
        assertEquals(OptionalLong.empty(), event("{\"time\":\"yesterday\",\"type\":\"key\"}").publishedMicros());
        assertEquals(OptionalLong.empty(), event("{\"time\":").publishedMicros());
    }

    private static AgentEvents.Event event(String line) {
        return new AgentEvents.Event("key", JsonNodeFactory.instance.objectNode(), 0, line);
    }
}
