package org.sacip.control;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * The types of the events the agent publishes to its followers (docs/CONTROL.md, section 5), each with the names of
 * its fields. The agent publishes events only through these constants, so a type it sends is always one documented.
 */
public enum EventType {
    /** Our address moved (or came back); the inbound rewrite is in. */
    MOVE("move", "original", "previous", "active", "interface", "kind", "sessions", "peers"),
    /** A peer confirmed our move. */
    ACK("ack", "peer", "original", "active", "sequence"),
    /** A peer did not confirm our move. */
    REFUSED("refused", "peer", "original", "active", "sessions"),
    /** Every key lineage told of a move answered. */
    CONVERGED("converged", "original", "active", "ms", "confirmed", "refused"),
    /** A peer's move was checked and its sessions follow it. */
    PEER_MOVED("peer-moved", "peer", "active", "local", "sessions"),
    /** A key lineage was agreed. */
    KEY("key", "peer", "local"),
    /** A key lineage was erased (lifetime over, idle, evicted). */
    KEY_EXPIRED("key-expired", "peer", "local"),
    /** SACIP messages were dropped (at most one event per reason per second). */
    DROP("drop", "reason", "count", "total"),
    /** Someone else removed part of the agent's kernel state (ruleset, sets, ghosts) and the agent put it back. */
    RESTORE("restore", "reason", "remappings", "ghosts"),
    /** Every remapping and ghost was removed. */
    FLUSH("flush", "sessions", "ghosts"),
    /** Sent to one follower in place of the events it did not read in time. */
    LOST("lost", "count");

    private final String wireName;
    private final List<String> fields;

    EventType(String wireName, String... fields) {
        this.wireName = wireName;
        this.fields = List.of(fields);
    }

    /** The value of "type". */
    @JsonValue
    public String wireName() {
        return wireName;
    }

    /** The keys of "fields" every event of this type carries. */
    public List<String> fields() {
        return fields;
    }

    public static Optional<EventType> byWireName(String name) {
        return Arrays.stream(values()).filter(t -> t.wireName.equals(name)).findFirst();
    }
}
