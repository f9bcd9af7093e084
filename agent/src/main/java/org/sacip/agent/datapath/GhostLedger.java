package org.sacip.agent.datapath;

import java.net.InetAddress;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Which ghosts must exist and which sessions hold each one: a ghost lives while at least one session holds it.
 * Pure bookkeeping; {@link DataPath} turns the difference between two ledgers into kernel changes.
 */
public final class GhostLedger {
    private final Map<InetAddress, Ghost> ghosts;

    public GhostLedger() {
        this.ghosts = new LinkedHashMap<>();
    }

    private GhostLedger(Map<InetAddress, Ghost> ghosts) {
        this.ghosts = new LinkedHashMap<>(ghosts);
    }

    public GhostLedger copy() {
        return new GhostLedger(ghosts);
    }

    /** The session holds the ghost of {@code address}; a new ghost starts as standby. Holding twice is one hold. */
    public void hold(InetAddress address, SessionTuple session) {
        Ghost existing = ghosts.get(address);
        Set<SessionTuple> holders = new HashSet<>(existing == null ? Set.of() : existing.holders());
        holders.add(session);
        ghosts.put(address, new Ghost(address, existing != null && existing.active(), holders));
    }

    /**
     * The address left its interface: the ghost now stands for it alone.
     *
     * @throws IllegalStateException if no session holds a ghost of this address
     */
    public void activate(InetAddress address) {
        setActive(address, true);
    }

    /** The address is back on an interface: the ghost returns to standby. */
    public void deactivate(InetAddress address) {
        setActive(address, false);
    }

    private void setActive(InetAddress address, boolean active) {
        Ghost existing = ghosts.get(address);
        if (existing == null) {
            throw new IllegalStateException("no session holds a ghost of " + address.getHostAddress());
        }
        ghosts.put(address, new Ghost(address, active, existing.holders()));
    }

    /** The session no longer needs the ghost; the ghost goes with its last holder. Releasing twice is harmless. */
    public void release(InetAddress address, SessionTuple session) {
        Ghost existing = ghosts.get(address);
        if (existing == null || !existing.holders().contains(session)) {
            return;
        }
        Set<SessionTuple> holders = new HashSet<>(existing.holders());
        holders.remove(session);
        if (holders.isEmpty()) {
            ghosts.remove(address);
        } else {
            ghosts.put(address, new Ghost(address, existing.active(), holders));
        }
    }

    /** The session ended: it releases every ghost it held. */
    public void releaseAll(SessionTuple session) {
        for (Ghost ghost : List.copyOf(ghosts.values())) {
            release(ghost.address(), session);
        }
    }

    public Optional<Ghost> ghost(InetAddress address) {
        return Optional.ofNullable(ghosts.get(address));
    }

    public Collection<Ghost> ghosts() {
        return List.copyOf(ghosts.values());
    }

    public boolean holds(InetAddress address) {
        return ghosts.containsKey(address);
    }
}
