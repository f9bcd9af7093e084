package org.sacip.agent.state;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * Reads the fields of the agent's state files strictly: a missing or blank field, or an address that is not a
 * numeric literal, is an {@link IllegalArgumentException} naming the field (the stores turn it into their own error).
 */
public final class JsonFields {
    private JsonFields() {
    }

    public static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        if (value == null || !value.isTextual() || value.asText().isBlank()) {
            throw new IllegalArgumentException("missing " + field);
        }
        return value.asText();
    }

    public static int port(JsonNode node, String field) {
        JsonNode value = node.get(field);
        if (value == null || !value.canConvertToInt()) {
            throw new IllegalArgumentException("missing " + field);
        }
        return value.asInt();
    }

    /** Only numeric literals: a host name here must never cause a DNS lookup. */
    public static InetAddress address(JsonNode node, String field) throws UnknownHostException {
        String literal = text(node, field);
        if (!literal.matches("[0-9a-fA-F:.]+")) {
            throw new IllegalArgumentException(field + " is not an IP address: " + literal);
        }
        return InetAddress.getByName(literal);
    }
}
