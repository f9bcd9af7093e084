package org.sacip.agent.handover;

import java.util.Locale;

/** Where a session stands, as {@code sacipctl sessions} shows it (docs/CONTROL.md keeps the names stable). */
public enum SessionState {
    /** Bound to a key, on its original addresses: ready to move. */
    BOUND,
    /** Not bound to any key (the reason is shown): if our address moves, it keeps it through the ghost. */
    UNBOUND,
    /** Our move was announced; the peer has not confirmed yet (we receive at the new address, send from the old). */
    PENDING,
    /** Remapped: our move confirmed by the peer, or the peer's move checked and applied. */
    ACTIVE,
    /** Our address moved and the session is bound to no key: it keeps the old address through the ghost. */
    LEGACY,
    /** The peer did not confirm our move: as without an agent (the old address, through the ghost). */
    REFUSED,
    /** Remapped, but its key is gone: the rewriting stays, nothing moves it any more. */
    FROZEN;

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
