package org.sacip.agent.handover;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.sacip.agent.datapath.Ghost;
import org.sacip.agent.datapath.Remapping;
import org.sacip.agent.session.SessionTuple;
import org.sacip.control.SessionState;

/**
 * What the handover publishes for readers on other threads (the control socket): every session it knows with its
 * wire addresses and state, the ghosts, and its counters. Immutable; replaced shortly after changes.
 */
public record HandoverView(List<Row> sessions, List<Ghost> ghosts, long moves, long restores) {
    public static final HandoverView EMPTY = new HandoverView(List.of(), List.of(), 0, 0);

    public HandoverView {
        sessions = List.copyOf(sessions);
        ghosts = List.copyOf(ghosts);
    }

    /**
     * One session: its remapping (identity when it is on its original addresses), its state and since when, the key
     * lineage it is bound to (hex) or why it is not bound.
     */
    public record Row(SessionTuple tuple, Remapping remapping, SessionState state, Instant since,
            Optional<String> lineage, Optional<String> unboundBecause) {
    }
}
