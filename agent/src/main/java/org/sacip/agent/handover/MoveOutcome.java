package org.sacip.agent.handover;

/** How one of our moves ended, for the metrics ({@code sacip_moves_total}). */
public enum MoveOutcome {
    /** Every key lineage that had to confirm the move confirmed it. */
    CONVERGED,
    /** Some confirmed, some did not (their sessions go on as without an agent). */
    PARTIAL,
    /** None of the key lineages that had to confirm it did. */
    REFUSED,
    /** No key lineage had to confirm it (no bound sessions there, or they were already confirmed): done at once. */
    NO_PEERS,
    /** A later move of the same address replaced it before all its key lineages answered. */
    SUPERSEDED,
    /** Its sessions all ended, or a flush removed all remapping, before all its key lineages answered. */
    ABANDONED
}
