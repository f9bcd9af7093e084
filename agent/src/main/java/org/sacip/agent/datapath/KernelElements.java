package org.sacip.agent.datapath;

import java.net.Inet4Address;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.sacip.netlink.nftables.AddressElement;
import org.sacip.netlink.nftables.Element;
import org.sacip.netlink.nftables.MapElement;
import org.sacip.netlink.nftables.SacipSets;
import org.sacip.netlink.nftables.SetReference;

/**
 * The elements every SACIP set and map must hold for a state of remappings and ghosts, each under its key (the
 * {@code TupleKey} of a map element, the address of a set element), so two states can be compared key by key.
 */
public record KernelElements(Map<SetReference, Map<Object, Element>> bySet) {
    public KernelElements {
        Map<SetReference, Map<Object, Element>> copy = new LinkedHashMap<>();
        bySet.forEach((set, elements) -> copy.put(set, Map.copyOf(elements)));
        bySet = Map.copyOf(copy);
    }

    /**
     * @throws RemapConflictException if two sessions need the same key in one map (their wire tuples collide)
     */
    public static KernelElements of(Collection<Remapping> remappings, Collection<Ghost> ghosts)
            throws RemapConflictException {
        return of(remappings, ghosts, List.of());
    }

    /**
     * With {@code lingering} old wire addresses too; they yield to a remapping that needs the same key (the current
     * state always wins over a grace period).
     */
    public static KernelElements of(Collection<Remapping> remappings, Collection<Ghost> ghosts,
            Collection<Lingering> lingering) throws RemapConflictException {
        Map<SetReference, Map<Object, Element>> bySet = new LinkedHashMap<>();
        for (SetReference set : SacipSets.all()) {
            bySet.put(set, new LinkedHashMap<>());
        }
        Map<RemapEntry.Slot, SessionTuple> owners = new LinkedHashMap<>();
        for (Remapping remapping : remappings) {
            for (RemapEntry entry : RemapEntries.of(remapping)) {
                SessionTuple owner = owners.putIfAbsent(entry.slot(), remapping.original());
                if (owner != null && !owner.equals(remapping.original())) {
                    throw new RemapConflictException("sessions " + owner + " and " + remapping.original()
                            + " both need key " + entry.element().key() + " in map " + entry.map().name());
                }
                bySet.get(entry.map()).put(entry.element().key(), entry.element());
            }
        }
        for (Lingering old : lingering) {
            for (RemapEntry entry : old.entries()) {
                if (owners.putIfAbsent(entry.slot(), old.session()) == null) {
                    bySet.get(entry.map()).put(entry.element().key(), entry.element());
                }
            }
        }
        for (Ghost ghost : ghosts) {
            if (!ghost.active()) {
                continue;
            }
            AddressElement element = new AddressElement(ghost.address());
            if (ghost.address() instanceof Inet4Address) {
                bySet.get(SacipSets.GHOSTS4).put(ghost.address(), element);
                bySet.get(SacipSets.ARP_GHOSTS4).put(ghost.address(), element);
            } else {
                bySet.get(SacipSets.GHOSTS6).put(ghost.address(), element);
            }
        }
        return new KernelElements(bySet);
    }

    public Map<Object, Element> of(SetReference set) {
        return bySet.getOrDefault(set, Map.of());
    }

    /** The key an element is stored under. */
    static Object keyOf(Element element) {
        if (element instanceof MapElement map) {
            return map.key();
        }
        return ((AddressElement) element).address();
    }

    public int size() {
        return bySet.values().stream().mapToInt(Map::size).sum();
    }
}
