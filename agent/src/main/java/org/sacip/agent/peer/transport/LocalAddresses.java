package org.sacip.agent.peer.transport;

import java.net.InetAddress;
import java.util.Set;

/**
 * The addresses this host holds now: those on its interfaces and its ghosts. Captured messages to any other address
 * are dropped (a frame to our MAC or a multicast group may name anyone), and nothing is ever sent from one.
 * Written by the threads that learn of changes, read by the capture and sender threads; never blocks.
 */
public final class LocalAddresses {
    private volatile Set<InetAddress> interfaces = Set.of();
    private volatile Set<InetAddress> ghosts = Set.of();

    public void interfaces(Set<InetAddress> addresses) {
        this.interfaces = Set.copyOf(addresses);
    }

    public void ghosts(Set<InetAddress> addresses) {
        this.ghosts = Set.copyOf(addresses);
    }

    /** Whether the address is ours: on an interface, or kept as a ghost for moved sessions. */
    public boolean holds(InetAddress address) {
        return interfaces.contains(address) || ghosts.contains(address);
    }
}
