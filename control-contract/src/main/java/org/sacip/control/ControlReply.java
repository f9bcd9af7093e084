package org.sacip.control;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * A successful reply: the payload as a tree for the human views, and as the exact text the agent sent so that
 * {@code -j} can pass it through untouched.
 */
public record ControlReply(JsonNode data, String rawData) {
}
