package org.sacip.agent.datapath;

import org.sacip.netlink.AddressText;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Which ghosts must exist and which sessions hold each one: a ghost lives while at least one session holds it.
 * Pure bookkeeping; {@link DataPath} turns the difference between two ledgers into kernel changes. Holds are
 * kept in mutable sets (a move of 10,000 sessions holds one ghost 10,000 times); {@link #ghosts()} hands out
 * immutable snapshots.
 */
public final class GhostLedger {
    /** One ghost's state while it is being changed. */
    private static final class Entry {
        boolean active;
        final Set<SessionTuple> holders;

        Entry(boolean active, Set<SessionTuple> holders) {
            this.active = active;
            this.holders = holders;
        }
    }

    private final Map<InetAddress, Entry> entries = new LinkedHashMap<>();

    public GhostLedger copy() {
        GhostLedger copy = new GhostLedger();
        entries.forEach((address, entry) -> copy.entries.put(address,
                new Entry(entry.active, new HashSet<>(entry.holders))));
        return copy;
    }

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
        entry(address).active = true;
    }

    /** The address is back on an interface: the ghost returns to standby. */
    public void deactivate(InetAddress address) {
        entry(address).active = false;
    }

    private Entry entry(InetAddress address) {
        Entry entry = entries.get(address);
        if (entry == null) {
            throw new IllegalStateException("no session holds a ghost of " + AddressText.of(address));
        }
        return entry;
    }

    /** The session no longer needs the ghost; the ghost goes with its last holder. Releasing twice is harmless. */
    public void release(InetAddress address, SessionTuple session) {
        Entry entry = entries.get(address);
        if (entry != null && entry.holders.remove(session) && entry.holders.isEmpty()) {
            entries.remove(address);
        }
    }

    /** The session ended: it releases every ghost it held. */
    public void releaseAll(SessionTuple session) {
        for (InetAddress address : new ArrayList<>(entries.keySet())) {
            release(address, session);
        }
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

    /** The ghost addresses, without copying their holders. */
    public Set<InetAddress> addresses() {
        return Set.copyOf(entries.keySet());
    }

    /** Whether each ghost address is active, without copying holders. */
    public Map<InetAddress, Boolean> activity() {
        Map<InetAddress, Boolean> activity = new LinkedHashMap<>();
        entries.forEach((address, entry) -> activity.put(address, entry.active));
        return activity;
    }

    public boolean holds(InetAddress address) {
        return entries.containsKey(address);
    }
}
