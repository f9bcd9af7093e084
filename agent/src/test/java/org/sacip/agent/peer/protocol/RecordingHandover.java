package org.sacip.agent.peer.protocol;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.sacip.agent.session.Endpoint;
import org.sacip.agent.session.SessionTuple;
import org.sacip.protocol.message.Octets;

/**
 * The engine's data-path port in the engine tests: keeps the lineages' latest views and the sessions' bindings the
 * engine reported, as the handover would, and commits everything at once unless told that a lineage's change
 * fails (as a conflict in the data path would make it).
 */
final class RecordingHandover implements HandoverPort {
    final List<EngineChange> changes = new ArrayList<>();
    final Map<Octets, AssociationView> lineages = new LinkedHashMap<>();
    final Map<SessionTuple, Optional<Octets>> bindings = new LinkedHashMap<>();
    final Map<SessionTuple, String> why = new LinkedHashMap<>();
    /** The translated peer's own endpoint each binding reported. */
    final Map<SessionTuple, Optional<Endpoint>> peerOwn = new LinkedHashMap<>();
    final List<EngineChange.RefusedMove> refused = new ArrayList<>();
    final Set<Octets> gone = new HashSet<>();
    private final Set<Octets> failing = new HashSet<>();

    /** Changes of this lineage fail from now on (nothing is taken over for it). */
    void fail(Octets lineage) {
        failing.add(lineage);
    }

    void heal() {
        failing.clear();
    }

    @Override
    public CompletionStage<Set<Octets>> apply(EngineChange change) {
        changes.add(change);
        Set<Octets> failed = new HashSet<>();
        for (AssociationView view : change.lineages()) {
            if (failing.contains(view.lineage())) {
                failed.add(view.lineage());
            } else {
                lineages.put(view.lineage(), view);
            }
        }
        refused.addAll(change.refusedMoves());
        gone.addAll(change.gone());
        change.gone().forEach(lineages::remove);
        for (BindingChange binding : change.bindings()) {
            if (binding.lineage().isPresent() && failing.contains(binding.lineage().get())) {
                failed.add(binding.lineage().get());
                continue;
            }
            bindings.put(binding.session(), binding.lineage());
            peerOwn.put(binding.session(), binding.peerOwn());
            binding.unboundBecause().ifPresent(reason -> why.put(binding.session(), reason));
        }
        return CompletableFuture.completedFuture(failed);
    }

    Optional<Octets> lineageOf(SessionTuple session) {
        return bindings.getOrDefault(session, Optional.empty());
    }

    /** The only lineage the engine reported, whose view has this peer. */
    AssociationView lineageWithPeer(org.sacip.protocol.message.SacipAddress peerOriginal) {
        List<AssociationView> matching = lineages.values().stream()
                .filter(v -> v.peerOriginal().equals(peerOriginal)).toList();
        if (matching.size() != 1) {
            throw new AssertionError("expected one lineage with " + peerOriginal + ", got " + matching);
        }
        return matching.get(0);
    }
}
