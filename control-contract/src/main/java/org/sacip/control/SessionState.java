package org.sacip.control;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** The states the agent reports for a session ("state" of a {@link SessionRow}), spelled as on the wire. */
public enum SessionState {
    /** Bound to a key lineage, on its original addresses: ready to move. */
    BOUND,
    /** Bound to no key: if our address moves, it keeps it through the ghost. */
    UNBOUND,
    /** Our move was announced; the peer has not confirmed it yet. */
    PENDING,
    /** Remapped: our move confirmed by the peer, or the peer's move checked and applied. */
    ACTIVE,
    /** Our address moved and the session is bound to no key: it keeps the old address through the ghost. */
    LEGACY,
    /** The peer did not confirm our move: as without an agent. */
    REFUSED,
    /** Remapped, but its key is gone: nothing moves it any more. */
    FROZEN;

    /** Computed once: every saved and listed session writes it (100,000 lowercase copies per state file). */
    private final String wireName = name().toLowerCase(Locale.ROOT);

    @JsonValue
    public String wireName() {
        return wireName;
    }

    /** The state of a wire name, in any case; a clear IllegalArgumentException for anything else. */
    public static SessionState parse(String text) {
        for (SessionState state : values()) {
            if (state.wireName().equals(text.toLowerCase(Locale.ROOT))) {
                return state;
            }
        }
        throw new IllegalArgumentException("'" + text + "' is not a session state; expected one of " + allNames());
    }

    public static String allNames() {
        return Arrays.stream(values()).map(SessionState::wireName).collect(Collectors.joining(", "));
    }
}
