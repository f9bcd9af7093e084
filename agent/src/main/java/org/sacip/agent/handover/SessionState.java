package org.sacip.agent.handover;

import java.util.Locale;

/** Where a moved session stands, as {@code sacipctl sessions} shows it (docs/CONTROL.md keeps the names stable). */
public enum SessionState {
    /** Our move was announced; the peer has not confirmed yet (we receive at the new address, send from the old). */
    PENDING,
    /** Remapped both ways: our move confirmed by the peer, or the peer's move checked and applied. */
    ACTIVE,
    /** The peer has no agent (our probes timed out): the session keeps the old address through the ghost. */
    LEGACY,
    /** The peer never confirmed the move, or the new address could not be validated: as without an agent. */
    REFUSED;

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
