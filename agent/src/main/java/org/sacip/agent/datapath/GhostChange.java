package org.sacip.agent.datapath;

import java.net.InetAddress;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.sacip.agent.session.SessionTuple;

/**
 * A change to one ghost: sessions that start or stop holding it, and whether it becomes active (its address left
 * the interface: no ARP answer, only its sessions' packets accepted) or standby. The ghost exists while someone holds
 * it; a new one starts as standby.
 */
public record GhostChange(InetAddress address, Set<SessionTuple> hold, Set<SessionTuple> release,
        Optional<Boolean> active) {
    public GhostChange {
        Objects.requireNonNull(address, "address");
        hold = Set.copyOf(hold);
        release = Set.copyOf(release);
        Objects.requireNonNull(active, "active");
    }

    public static GhostChange hold(InetAddress address, Set<SessionTuple> sessions) {
        return new GhostChange(address, sessions, Set.of(), Optional.empty());
    }

    public static GhostChange release(InetAddress address, Set<SessionTuple> sessions) {
        return new GhostChange(address, Set.of(), sessions, Optional.empty());
    }

    public static GhostChange activity(InetAddress address, boolean active) {
        return new GhostChange(address, Set.of(), Set.of(), Optional.of(active));
    }
}
