package org.sacip.control;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/** The states of a ghost address ("state" of a {@link GhostRow}), spelled as on the wire. */
public enum GhostState {
    /** The address is still on an interface; the ghost waits on lo to take over when it goes. */
    STANDBY,
    /** The address left its interface; sessions keep it through lo. */
    ACTIVE;

    @JsonValue
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
