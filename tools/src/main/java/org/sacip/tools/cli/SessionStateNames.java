package org.sacip.tools.cli;

import java.util.Arrays;
import java.util.Iterator;

import org.sacip.control.SessionState;

/** For picocli: the session states completion and --help offer for --state. */
public final class SessionStateNames implements Iterable<String> {
    @Override
    public Iterator<String> iterator() {
        return Arrays.stream(SessionState.values()).map(SessionState::wireName).iterator();
    }
}
