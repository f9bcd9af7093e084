package org.sacip.control;

import java.util.Arrays;
import java.util.Optional;
import java.util.stream.Collectors;

/** The commands of control protocol version 1; a change command needs a root peer. */
public enum ControlCommand {
    STATUS("status", false, StatusView.class, false),
    SESSIONS("sessions", false, SessionRow.class, true),
    PEERS("peers", false, PeerRow.class, true),
    GHOSTS("ghosts", false, GhostRow.class, true),
    FLUSH("flush", true, FlushResult.class, false),
    VERSION("version", false, VersionInfo.class, false),
    /** Its reply is followed by {@link AgentEvent} lines. */
    EVENTS("events", false, Following.class, false);

    private final String wireName;
    private final boolean changesState;
    private final Class<? extends Record> payload;
    private final boolean listOfPayloads;

    ControlCommand(String wireName, boolean changesState, Class<? extends Record> payload, boolean listOfPayloads) {
        this.wireName = wireName;
        this.changesState = changesState;
        this.payload = payload;
        this.listOfPayloads = listOfPayloads;
    }

    /** The value of "cmd". */
    public String wireName() {
        return wireName;
    }

    /** Whether the command changes the system (and so needs a root peer). */
    public boolean changesState() {
        return changesState;
    }

    /** The record of a successful reply's "data" (of each of its entries, when {@link #listOfPayloads()}). */
    public Class<? extends Record> payload() {
        return payload;
    }

    /** Whether "data" is an array of {@link #payload()} records rather than one. */
    public boolean listOfPayloads() {
        return listOfPayloads;
    }

    public static Optional<ControlCommand> byWireName(String name) {
        return Arrays.stream(values()).filter(c -> c.wireName.equals(name)).findFirst();
    }

    /** "status, sessions, ...", for messages. */
    public static String wireNames() {
        return Arrays.stream(values()).map(ControlCommand::wireName).collect(Collectors.joining(", "));
    }
}
