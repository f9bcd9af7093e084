package org.sacip.agent.datapath;

import java.net.InetAddress;
import java.util.AbstractSet;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import org.sacip.agent.session.SessionTuple;
import org.sacip.netlink.AddressText;

/**
 * Which ghosts must exist and which sessions hold each one: a ghost lives while at least one session holds it.
 * Pure bookkeeping; {@link DataPath} turns staged {@link Changes} into kernel changes and applies them here only
 * once the kernel took them. Holds are kept in mutable sets (a move of 10,000 sessions holds one ghost 10,000
 * times); {@link #ghosts()} hands out immutable snapshots.
 */
public final class GhostLedger {
    /** A ghost's state as a change sees it: {@code holders} is not copied; do not keep it. */
    record View(boolean exists, boolean active, Set<SessionTuple> holders) {
        static final View NONE = new View(false, false, Set.of());
    }

    private static final class Entry {
        boolean active;
        final Set<SessionTuple> holders;

        Entry(boolean active, Set<SessionTuple> holders) {
            this.active = active;
            this.holders = holders;
        }
    }

    private final Map<InetAddress, Entry> entries = new LinkedHashMap<>();

    /** The session holds the ghost of {@code address}; a new ghost starts as standby. Holding twice is one hold. */
    public void hold(InetAddress address, SessionTuple session) {
        entries.computeIfAbsent(address, unused -> new Entry(false, new HashSet<>())).holders.add(session);
    }

    /**
     * The address left its interface: the ghost now stands for it alone.
     *
     * @throws IllegalStateException if no session holds a ghost of this address
     */
    public void activate(InetAddress address) {
        Entry entry = entries.get(address);
        if (entry == null) {
            throw new IllegalStateException("no session holds a ghost of " + AddressText.of(address));
        }
        entry.active = true;
    }

    /** The session no longer needs the ghost; the ghost goes with its last holder. Releasing twice is harmless. */
    public void release(InetAddress address, SessionTuple session) {
        Entry entry = entries.get(address);
        if (entry != null && entry.holders.remove(session) && entry.holders.isEmpty()) {
            entries.remove(address);
        }
    }

    void clear() {
        entries.clear();
    }

    View view(InetAddress address) {
        Entry entry = entries.get(address);
        return entry == null ? View.NONE : new View(true, entry.active, entry.holders);
    }

    public Optional<Ghost> ghost(InetAddress address) {
        Entry entry = entries.get(address);
        return entry == null ? Optional.empty() : Optional.of(new Ghost(address, entry.active, entry.holders));
    }

    public Collection<Ghost> ghosts() {
        List<Ghost> ghosts = new ArrayList<>(entries.size());
        entries.forEach((address, entry) -> ghosts.add(new Ghost(address, entry.active, entry.holders)));
        return ghosts;
    }

    /** Every ghost's address, activity and number of holders, without copying the holders. */
    public List<GhostSummary> summaries() {
        List<GhostSummary> summaries = new ArrayList<>(entries.size());
        entries.forEach((address, entry) -> summaries.add(new GhostSummary(address, entry.active,
                entry.holders.size())));
        return summaries;
    }

    /** The ghost addresses, without copying their holders. */
    public Set<InetAddress> addresses() {
        return Set.copyOf(entries.keySet());
    }

    public boolean holds(InetAddress address) {
        return entries.containsKey(address);
    }

    /**
     * Stages ghost changes and the end of sessions (they release what they held) without changing this ledger.
     * Only the ghosts named in {@code changes} are looked at for ended sessions' holds, plus the ghosts of the ended
     * sessions' own local addresses (the only ones they can hold).
     */
    Changes stage(Collection<GhostChange> changes, Collection<SessionTuple> ended) {
        Changes staged = new Changes();
        for (SessionTuple session : ended) {
            staged.release(session.local().address(), session);
        }
        for (GhostChange change : changes) {
            change.hold().forEach(session -> staged.hold(change.address(), session));
            change.release().forEach(session -> staged.release(change.address(), session));
            change.active().ifPresent(active -> staged.activity(change.address(), active));
        }
        return staged;
    }

    /** Staged ghost changes: holders added and removed and activity per touched address. */
    final class Changes {
        private final Map<InetAddress, Set<SessionTuple>> added = new LinkedHashMap<>();
        private final Map<InetAddress, Set<SessionTuple>> removed = new LinkedHashMap<>();
        private final Map<InetAddress, Boolean> activity = new LinkedHashMap<>();

        private void hold(InetAddress address, SessionTuple session) {
            Set<SessionTuple> released = removed.get(address);
            if (released != null) {
                released.remove(session);
            }
            Entry entry = entries.get(address);
            if (entry == null || !entry.holders.contains(session)) {
                added.computeIfAbsent(address, a -> new LinkedHashSet<>()).add(session);
            }
        }

        private void release(InetAddress address, SessionTuple session) {
            Set<SessionTuple> held = added.get(address);
            if (held != null && held.remove(session)) {
                return;
            }
            Entry entry = entries.get(address);
            if (entry != null && entry.holders.contains(session)) {
                removed.computeIfAbsent(address, a -> new LinkedHashSet<>()).add(session);
            }
        }

        private void activity(InetAddress address, boolean active) {
            activity.put(address, active);
        }

        Set<InetAddress> touched() {
            Set<InetAddress> touched = new LinkedHashSet<>(added.keySet());
            touched.addAll(removed.keySet());
            touched.addAll(activity.keySet());
            return touched;
        }

        /**
         * The ghost as it will be: exists while someone holds it; a new one is standby unless activated. Its holders
         * are a view over the ledger's and the staged ones, never a copy: a move of 100,000 sessions touches one
         * ghost in each of its 100 peers' commits, and copying the holders each time cost minutes.
         */
        View view(InetAddress address) {
            Entry entry = entries.get(address);
            Set<SessionTuple> base = entry == null ? Set.of() : entry.holders;
            Set<SessionTuple> plus = added.getOrDefault(address, Set.of());
            Set<SessionTuple> minus = removed.getOrDefault(address, Set.of());
            // hold() adds only sessions the ledger lacks, release() removes only ones it has: the sizes add up.
            int size = base.size() + plus.size() - minus.size();
            if (size <= 0) {
                return View.NONE;
            }
            boolean active = activity.getOrDefault(address, entry != null && entry.active);
            Set<SessionTuple> holders = plus.isEmpty() && minus.isEmpty() ? Collections.unmodifiableSet(base)
                    : new StagedHolders(base, plus, minus, size);
            return new View(true, active, holders);
        }

        Set<SessionTuple> holdersChanged(InetAddress address) {
            Set<SessionTuple> changed = new HashSet<>(added.getOrDefault(address, Set.of()));
            changed.addAll(removed.getOrDefault(address, Set.of()));
            return changed;
        }

        /** Ghost addresses that come to exist with this change. */
        Set<InetAddress> added() {
            Set<InetAddress> result = new LinkedHashSet<>();
            for (InetAddress address : touched()) {
                if (!entries.containsKey(address) && view(address).exists()) {
                    result.add(address);
                }
            }
            return result;
        }

        /** Ghost addresses that stop existing with this change. */
        Set<InetAddress> removed() {
            Set<InetAddress> result = new LinkedHashSet<>();
            for (InetAddress address : touched()) {
                if (entries.containsKey(address) && !view(address).exists()) {
                    result.add(address);
                }
            }
            return result;
        }

        /** Applies the staged changes to the ledger (after the kernel took them), in time to the changes' size. */
        void apply() {
            for (InetAddress address : touched()) {
                View view = view(address);
                Entry entry = entries.get(address);
                if (!view.exists()) {
                    entries.remove(address);
                } else if (entry == null) {
                    entries.put(address, new Entry(view.active(), new HashSet<>(view.holders())));
                } else {
                    entry.holders.removeAll(removed.getOrDefault(address, Set.of()));
                    entry.holders.addAll(added.getOrDefault(address, Set.of()));
                    entry.active = view.active();
                }
            }
        }
    }

    /** A ghost's holders with staged changes: the ledger's, less those released, plus those newly holding. */
    private static final class StagedHolders extends AbstractSet<SessionTuple> {
        private final Set<SessionTuple> base;
        private final Set<SessionTuple> plus;
        private final Set<SessionTuple> minus;
        private final int size;

        StagedHolders(Set<SessionTuple> base, Set<SessionTuple> plus, Set<SessionTuple> minus, int size) {
            this.base = base;
            this.plus = plus;
            this.minus = minus;
            this.size = size;
        }

        @Override
        public boolean contains(Object o) {
            return plus.contains(o) || (base.contains(o) && !minus.contains(o));
        }

        @Override
        public int size() {
            return size;
        }

        @Override
        public Iterator<SessionTuple> iterator() {
            return Stream.concat(base.stream().filter(session -> !minus.contains(session)), plus.stream())
                    .iterator();
        }
    }
}
