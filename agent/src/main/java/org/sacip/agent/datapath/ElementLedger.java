package org.sacip.agent.datapath;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.sacip.netlink.nftables.AddressElement;
import org.sacip.netlink.nftables.Element;
import org.sacip.netlink.nftables.MapElement;
import org.sacip.netlink.nftables.PortMapElement;
import org.sacip.netlink.nftables.SetReference;
import org.sacip.netlink.nftables.TupleElement;

/**
 * The elements our sets hold in the kernel, each with the owner that put it there (a session, a lingering old
 * address, a ghost, a stale tuple), so a change touches only what it is about: a move of one session out of
 * 100,000 costs a handful of element changes, not a walk over all of them. Changes are staged in a
 * {@link Transaction} and reach the ledger only when the kernel has taken them.
 */
final class ElementLedger {
    /** One element and who needs it. */
    record Held(Element element, Object owner) {
    }

    private final Map<SetReference, Map<Object, Held>> held = new HashMap<>();

    /** What the kernel should hold, set by set (for a full comparison after someone else changed our table). */
    KernelElements snapshot() {
        Map<SetReference, Map<Object, Element>> bySet = new LinkedHashMap<>();
        for (SetReference set : SacipSets.all()) {
            Map<Object, Element> elements = new LinkedHashMap<>();
            held.getOrDefault(set, Map.of()).forEach((key, h) -> elements.put(key, h.element()));
            bySet.put(set, elements);
        }
        return new KernelElements(bySet);
    }

    int size() {
        return held.values().stream().mapToInt(Map::size).sum();
    }

    /** The committed element under {@code key} in {@code set}, or {@code null}. */
    Element committed(SetReference set, Object key) {
        Held current = held.getOrDefault(set, Map.of()).get(key);
        return current == null ? null : current.element();
    }

    void clear() {
        held.clear();
    }

    Transaction begin() {
        return new Transaction();
    }

    /** The key an element is stored under in its set. */
    static Object keyOf(Element element) {
        if (element instanceof MapElement map) {
            return map.key();
        }
        if (element instanceof PortMapElement port) {
            return port.key();
        }
        if (element instanceof TupleElement tuple) {
            return tuple.key();
        }
        return ((AddressElement) element).address();
    }

    /**
     * Staged changes over the ledger: reads see the staged state, the ledger changes only on {@link #commit()}. Each
     * staged key keeps what the ledger held when it was first staged, so neither the diff nor the commit looks it up
     * again: at 100,000 sessions a move stages half a million elements, and each lookup of a tuple key in the ledger
     * is a cache miss.
     */
    final class Transaction {
        private final Map<SetReference, Map<Object, Change>> staged = new LinkedHashMap<>();
        /** The set last staged and its changes: a session's entries come set by set, most often in the same set. */
        private SetReference lastSet;
        private Map<Object, Change> lastChanges;

        /** Removes the element under {@code key} if {@code owner} holds it (another owner's stays). */
        void remove(SetReference set, Element element, Object owner) {
            Object key = keyOf(element);
            Map<Object, Change> changes = changesOf(set);
            Change change = changes.get(key);
            Held current = change != null ? change.after : committed(set).get(key);
            if (current == null || !current.owner().equals(owner)) {
                return;
            }
            if (change == null) {
                changes.put(key, new Change(current, null));
            } else {
                change.after = null;
            }
        }

        /**
         * Puts the element for {@code owner}. When another owner holds the key: {@code yielding} owners (a lingering
         * old address) give way to it silently; otherwise the holder is returned and nothing changes.
         *
         * @return the owner in the way, or {@code null} when the element is in
         */
        Object put(SetReference set, Element element, Object owner, boolean yielding) {
            Object key = keyOf(element);
            Map<Object, Change> changes = changesOf(set);
            Change change = changes.get(key);
            Held current = change != null ? change.after : committed(set).get(key);
            if (current != null && !current.owner().equals(owner)) {
                if (yielding) {
                    return null;
                }
                if (!(current.owner() instanceof Lingering)) {
                    return current.owner();
                }
                // A lingering old address yields to the current state.
            }
            Held next = new Held(element, owner);
            if (change == null) {
                changes.put(key, new Change(current, next));
            } else {
                change.after = next;
            }
            return null;
        }

        private Map<Object, Held> committed(SetReference set) {
            return held.getOrDefault(set, Map.of());
        }

        private Map<Object, Change> changesOf(SetReference set) {
            if (set != lastSet) {
                lastChanges = staged.computeIfAbsent(set, s -> new LinkedHashMap<>());
                lastSet = set;
            }
            return lastChanges;
        }

        /** The kernel changes this transaction makes, from the ledger's committed state. */
        ElementDiff diff() {
            Map<SetReference, List<Element>> deletions = new LinkedHashMap<>();
            Map<SetReference, List<Element>> additions = new LinkedHashMap<>();
            staged.forEach((set, changes) -> {
                List<Element> deleted = new ArrayList<>();
                List<Element> added = new ArrayList<>();
                changes.forEach((key, change) -> {
                    Element old = change.before == null ? null : change.before.element();
                    Element now = change.after == null ? null : change.after.element();
                    if (Objects.equals(old, now)) {
                        return;
                    }
                    if (old != null) {
                        deleted.add(old);
                    }
                    if (now != null) {
                        added.add(now);
                    }
                });
                if (!deleted.isEmpty()) {
                    deletions.put(set, deleted);
                }
                if (!added.isEmpty()) {
                    additions.put(set, added);
                }
            });
            return new ElementDiff(deletions, additions);
        }

        void commit() {
            staged.forEach((set, changes) -> {
                if (changes.isEmpty()) {
                    return;
                }
                Map<Object, Held> committed = held.computeIfAbsent(set, s -> new HashMap<>());
                changes.forEach((key, change) -> {
                    if (change.after != null) {
                        committed.put(key, change.after);
                    } else if (change.before != null) {
                        committed.remove(key);
                    }
                });
            });
        }
    }

    /** A staged key: what the ledger held before the transaction ({@code null}: nothing) and what it will hold. */
    private static final class Change {
        final Held before;
        Held after;

        Change(Held before, Held after) {
            this.before = before;
            this.after = after;
        }
    }
}
