package org.sacip.agent.datapath;

import java.util.Set;
import org.sacip.agent.session.SessionTuple;

/**
 * Requested remappings cannot coexist with others: both would need the same map key (their wire tuples collide).
 * Nothing was changed; {@link #sessions()} names the requested sessions that collided, so the caller can leave them
 * out and apply the rest.
 */
public final class RemapConflictException extends DataPathException {
    private static final long serialVersionUID = 1L;
    private final transient Set<SessionTuple> sessions;

    public RemapConflictException(String message, Set<SessionTuple> sessions) {
        super(message);
        this.sessions = Set.copyOf(sessions);
    }

    public Set<SessionTuple> sessions() {
        return sessions;
    }
}
