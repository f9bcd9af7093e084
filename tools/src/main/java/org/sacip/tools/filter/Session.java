package org.sacip.tools.filter;

import com.fasterxml.jackson.databind.JsonNode;

/** The fields of one "sessions" entry the filters look at; missing fields are null. */
public record Session(String proto, String local, String remote, String activeLocal, String activeRemote,
        String state, String peer) {

    public static Session from(JsonNode entry) {
        return new Session(text(entry, "proto"), text(entry, "local"), text(entry, "remote"),
                text(entry, "active_local"), text(entry, "active_remote"), text(entry, "state"), text(entry, "peer"));
    }

    private static String text(JsonNode entry, String field) {
        JsonNode value = entry.get(field);
        return value == null || value.isNull() ? null : value.asText();
    }
}
