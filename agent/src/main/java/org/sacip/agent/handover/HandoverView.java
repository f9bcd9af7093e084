package org.sacip.agent.handover;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.sacip.agent.datapath.GhostSummary;
import org.sacip.agent.datapath.Remapping;
import org.sacip.agent.session.SessionTuple;
import org.sacip.control.SessionState;
import org.sacip.protocol.message.Octets;

/**
 * What the handover publishes for readers on other threads (the control socket): every session it knows with its
 * wire addresses and state, the ghosts, and its counters. Immutable; replaced shortly after changes.
 */
public record HandoverView(List<Row> sessions, List<GhostSummary> ghosts, long moves, long restores) {
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
            Octets lineageId, String unboundReason) {
        // The raw id and the reason (null when absent) are kept, not their text: a view holds a row for every
        // session, and an Optional and a hex string each were about a tenth of what a session kept on the heap.

        /** The key lineage the session is bound to, in hex. */
        public Optional<String> lineage() {
            return Optional.ofNullable(lineageId).map(Octets::toHex);
        }

        /** Why the session is not bound, when it is not. */
        public Optional<String> unboundBecause() {
            return Optional.ofNullable(unboundReason);
        }
    }
}
