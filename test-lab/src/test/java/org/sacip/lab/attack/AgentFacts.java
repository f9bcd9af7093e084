package org.sacip.lab.attack;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;
import org.sacip.control.ControlCommand;
import org.sacip.lab.agent.AgentControl;

/**
 * What an agent's control socket says (docs/CONTROL.md), read from the raw JSON, fields the lab's typed rows do not
 * carry: the key lineage each session is bound to ({@code sessions[].key}), the lineages held with a peer address
 * ({@code peers[].lineage}), the bounds of remotely keyed state and the heap ({@code status}). Each reader names the
 * field it wanted when the agent does not give it.
 */
final class AgentFacts {
    private AgentFacts() {
    }

    /** One entry of {@code status.bounds}: a map or table the agent keeps for remote input, its size and limit. */
    record Bound(String name, long size, long limit) {
        boolean within() {
            return size <= limit;
        }
    }

    /** {@code status.heap_used_bytes} and {@code status.heap_max_bytes}. */
    record Heap(long used, long max) {
        @Override
        public String toString() {
            return used / (1024 * 1024) + " MiB used of " + max / (1024 * 1024) + " MiB";
        }
    }

    /** {@code status.bounds}; an AssertionError when the agent reports no such list. */
    static List<Bound> bounds(AgentControl control) {
        JsonNode status = control.status();
        JsonNode bounds = status.path("bounds");
        if (!bounds.isArray()) {
            throw new AssertionError("the agent's status has no \"bounds\" list: " + brief(status));
        }
        List<Bound> result = new ArrayList<>();
        for (JsonNode entry : bounds) {
            if (!entry.path("name").isTextual() || !entry.path("size").isIntegralNumber()
                    || !entry.path("limit").isIntegralNumber()) {
                throw new AssertionError("a bounds entry without name, size and limit: " + entry);
            }
            result.add(new Bound(entry.path("name").asText(), entry.path("size").asLong(),
                    entry.path("limit").asLong()));
        }
        return result;
    }

    static Heap heap(AgentControl control) {
        JsonNode status = control.status();
        if (!status.path("heap_used_bytes").isIntegralNumber() || !status.path("heap_max_bytes").isIntegralNumber()) {
            throw new AssertionError("the agent's status has no heap_used_bytes/heap_max_bytes: " + brief(status));
        }
        return new Heap(status.path("heap_used_bytes").asLong(), status.path("heap_max_bytes").asLong());
    }

    /** True for session rows of which one is active and sends from {@code endpoint} (our move was confirmed). */
    static Predicate<List<JsonNode>> sendingFrom(String endpoint) {
        return rows -> rows.stream().anyMatch(row -> row.path("active_local").asText().equals(endpoint)
                && "active".equals(row.path("state").asText()));
    }

    /** True for a session row that is active and sends to {@code endpoint} (the peer's move was applied). */
    static Predicate<Optional<JsonNode>> sentTo(String endpoint) {
        return row -> row.isPresent() && row.get().path("active_remote").asText().equals(endpoint)
                && "active".equals(row.get().path("state").asText());
    }

    /** The agent's {@code sessions} rows as JSON. */
    static List<JsonNode> sessions(AgentControl control) {
        List<JsonNode> rows = new ArrayList<>();
        control.request(ControlCommand.SESSIONS).forEach(rows::add);
        return rows;
    }

    /** The session row with this socket tuple ("addr:port" / "[v6]:port" as the agent prints them), if listed. */
    static Optional<JsonNode> session(AgentControl control, String local, String remote) {
        return sessions(control).stream().filter(row -> row.path("local").asText().equals(local)
                && row.path("remote").asText().equals(remote)).findFirst();
    }

    /**
     * The key lineage a session row is bound to ({@code key}, empty when none); an AssertionError when rows carry
     * no such field.
     */
    static Optional<String> boundKey(JsonNode sessionRow) {
        if (!sessionRow.has("key")) {
            throw new AssertionError("the agent's session rows carry no \"key\" (the key lineage a session is bound"
                    + " to): " + sessionRow);
        }
        JsonNode key = sessionRow.path("key");
        return key.isTextual() ? Optional.of(key.asText()) : Optional.empty();
    }

    /**
     * The key lineages the agent holds with this peer address, one per {@code peers} row with a key: the row's
     * {@code lineage}, or its {@code key_id} where rows name no lineage.
     */
    static List<String> lineages(AgentControl control, String peerAddress) {
        List<String> ids = new ArrayList<>();
        for (JsonNode row : control.request(ControlCommand.PEERS)) {
            if (row.path("address").asText().equals(peerAddress) && row.path("key_id").isTextual()) {
                ids.add(row.path("lineage").isTextual() ? row.path("lineage").asText() : row.path("key_id").asText());
            }
        }
        return ids;
    }

    /** {@code peers[].peer_endpoint} of the lineage: where its messages and its tunnel's datagrams go. */
    static String peerEndpoint(AgentControl control, String lineage) {
        for (JsonNode row : control.request(ControlCommand.PEERS)) {
            if (row.path("lineage").asText().equals(lineage)) {
                return row.path("peer_endpoint").asText();
            }
        }
        throw new AssertionError("the agent's peers answer has no lineage " + lineage);
    }

    /** One counter of {@code status.udp} (SACIP over UDP and its tunnel, docs/CONTROL.md). */
    static long udpCounter(AgentControl control, String name) {
        JsonNode value = control.status().path("udp").path(name);
        if (!value.isIntegralNumber()) {
            throw new AssertionError("the agent's status.udp has no counter " + name);
        }
        return value.asLong();
    }

    /** {@code peers} rows with a key, over all peers. */
    static long keysAgreed(AgentControl control) {
        long count = 0;
        for (JsonNode row : control.request(ControlCommand.PEERS)) {
            if (row.path("key_id").isTextual()) {
                count++;
            }
        }
        return count;
    }

    private static String brief(JsonNode node) {
        String text = node.toString();
        return text.length() > 600 ? text.substring(0, 600) + "..." : text;
    }
}
