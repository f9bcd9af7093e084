package org.sacip.agent.peer.transport;

import java.util.Set;
import org.sacip.netlink.route.LinkInfo;
import org.sacip.netlink.route.LinkLayer;

/**
 * Which interfaces the transport captures on: every interface that is up and not loopback, or only the named ones
 * (still only while up). Names, not indexes, so a configured interface that appears later is picked up.
 */
public record InterfaceSelection(Set<String> names) {

    public InterfaceSelection {
        names = Set.copyOf(names);
    }

    /** Every non-loopback interface that is up. */
    public static InterfaceSelection all() {
        return new InterfaceSelection(Set.of());
    }

    public static InterfaceSelection only(Set<String> names) {
        if (names.isEmpty()) {
            throw new IllegalArgumentException("an interface selection needs at least one name");
        }
        return new InterfaceSelection(names);
    }

    public boolean selectsAll() {
        return names.isEmpty();
    }

    boolean selects(LinkInfo link) {
        if (!link.up() || link.linkLayer() == LinkLayer.LOOPBACK || !NextHopResolver.canCarry(link)) {
            return false;
        }
        return selectsAll() || names.contains(link.name());
    }
}
