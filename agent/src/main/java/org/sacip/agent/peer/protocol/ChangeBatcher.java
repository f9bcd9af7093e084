package org.sacip.agent.peer.protocol;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import org.sacip.protocol.message.Octets;

/**
 * Collects what the engine tells the data path during one turn of its loop and posts it as one {@link EngineChange}
 * (acknowledgements of many peers arriving together become one nft transaction). Callbacks run on the engine thread
 * once the data path has committed, or failed, their part. Engine thread only.
 */
final class ChangeBatcher {
    private final EngineLoop loop;
    private final HandoverPort handover;
    private final Map<Octets, AssociationView> lineages = new LinkedHashMap<>();
    private final List<EngineChange.RefusedMove> refused = new ArrayList<>();
    private final List<Octets> gone = new ArrayList<>();
    private final List<BindingChange> bindings = new ArrayList<>();
    private final List<Callback> callbacks = new ArrayList<>();
    private boolean scheduled;

    /** Told whether its lineage's part was committed ({@code true}) or not. */
    private record Callback(Octets lineage, Consumer<Boolean> action) {
    }

    ChangeBatcher(EngineLoop loop, HandoverPort handover) {
        this.loop = loop;
        this.handover = handover;
    }

    /** The lineage's addresses changed; {@code onCommitted} learns whether the data path follows. */
    void lineage(Association association, Consumer<Boolean> onCommitted) {
        lineages.put(association.lineage, AssociationView.of(association));
        if (onCommitted != null) {
            callbacks.add(new Callback(association.lineage, onCommitted));
        }
        schedule();
    }

    /** As {@link #lineage}, with a view other than the association's state (a move not yet taken over). */
    void lineage(AssociationView view, Consumer<Boolean> onCommitted) {
        lineages.put(view.lineage(), view);
        if (onCommitted != null) {
            callbacks.add(new Callback(view.lineage(), onCommitted));
        }
        schedule();
    }

    void refused(Association association, org.sacip.protocol.message.SacipAddress attempted) {
        refused.add(new EngineChange.RefusedMove(AssociationView.of(association), attempted));
        schedule();
    }

    void gone(Octets lineage) {
        gone.add(lineage);
        lineages.remove(lineage);
        schedule();
    }

    /** Bindings changed; {@code onCommitted} (may be null) runs once the data path carries them. */
    void bindings(List<BindingChange> changes, Octets lineage, Consumer<Boolean> onCommitted) {
        bindings.addAll(changes);
        if (onCommitted != null) {
            callbacks.add(new Callback(lineage, onCommitted));
        }
        schedule();
    }

    private void schedule() {
        if (!scheduled) {
            scheduled = true;
            // After the messages already queued: what arrives together is committed together.
            loop.execute(this::flush);
        }
    }

    private void flush() {
        scheduled = false;
        EngineChange change = new EngineChange(List.copyOf(lineages.values()), refused, gone, bindings);
        List<Callback> waiting = List.copyOf(callbacks);
        lineages.clear();
        refused.clear();
        gone.clear();
        bindings.clear();
        callbacks.clear();
        if (change.isEmpty() && waiting.isEmpty()) {
            return;
        }
        handover.apply(change).whenComplete((failed, error) -> loop.execute(() -> {
            Set<Octets> notCommitted = error != null ? null : failed;
            for (Callback callback : waiting) {
                boolean ok = notCommitted != null && !notCommitted.contains(callback.lineage());
                callback.action().accept(ok);
            }
        }));
    }
}
