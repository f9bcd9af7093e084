package org.sacip.agent.peer.protocol;

import java.util.List;
import org.sacip.protocol.message.Octets;
import org.sacip.protocol.message.SacipAddress;

/**
 * What the engine tells the data path in one go: lineages whose addresses changed (a peer's checked move, our move
 * confirmed), our moves a peer did not confirm, lineages that are gone, and session bindings that changed.
 *
 * @param lineages      the lineages' state now (the data path makes their bound sessions follow it)
 * @param refusedMoves  our moves a lineage's peer did not acknowledge (its sessions go on as without an agent)
 * @param gone          lineages erased (their sessions keep their rewriting; nothing moves them any more)
 * @param bindings      sessions bound or unbound
 */
public record EngineChange(List<AssociationView> lineages, List<RefusedMove> refusedMoves, List<Octets> gone,
        List<BindingChange> bindings) {

    public EngineChange {
        lineages = List.copyOf(lineages);
        refusedMoves = List.copyOf(refusedMoves);
        gone = List.copyOf(gone);
        bindings = List.copyOf(bindings);
    }

    public boolean isEmpty() {
        return lineages.isEmpty() && refusedMoves.isEmpty() && gone.isEmpty() && bindings.isEmpty();
    }

    /** Our move of a lineage to {@code attempted} that its peer did not acknowledge. */
    public record RefusedMove(AssociationView lineage, SacipAddress attempted) {
    }
}
