package org.sacip.agent.control;

import java.util.Arrays;
import java.util.Optional;
import java.util.stream.Collectors;

/** The commands of control protocol version 1; a change command needs a root peer. */
enum ControlCommand {
    STATUS("status", false),
    SESSIONS("sessions", false),
    PEERS("peers", false),
    GHOSTS("ghosts", false),
    FLUSH("flush", true),
    VERSION("version", false),
    EVENTS("events", false);

    private final String wireName;
    private final boolean changesState;

    ControlCommand(String wireName, boolean changesState) {
        this.wireName = wireName;
        this.changesState = changesState;
    }

    String wireName() {
        return wireName;
    }

    boolean changesState() {
        return changesState;
    }

    static Optional<ControlCommand> byWireName(String name) {
        return Arrays.stream(values()).filter(c -> c.wireName.equals(name)).findFirst();
    }

    static String wireNames() {
        return Arrays.stream(values()).map(ControlCommand::wireName).collect(Collectors.joining(", "));
    }
}
