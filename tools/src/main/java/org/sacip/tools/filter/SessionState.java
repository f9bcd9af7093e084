package org.sacip.tools.filter;

import java.util.Arrays;
import java.util.Iterator;
import java.util.Locale;
import java.util.stream.Collectors;

/** The states the agent reports for a session, spelled as on the wire. */
public enum SessionState {
    BOUND, UNBOUND, PENDING, ACTIVE, LEGACY, REFUSED, FROZEN;

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

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

    /** For picocli: what completion and --help offer. */
    public static final class Names implements Iterable<String> {
        @Override
        public Iterator<String> iterator() {
            return Arrays.stream(values()).map(SessionState::wireName).iterator();
        }
    }
}
