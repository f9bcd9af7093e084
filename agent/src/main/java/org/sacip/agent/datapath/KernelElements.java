package org.sacip.agent.datapath;

import java.util.LinkedHashMap;
import java.util.Map;
import org.sacip.netlink.nftables.Element;
import org.sacip.netlink.nftables.SetReference;

/**
 * The elements of every SACIP set and map, each under its key (the {@code TupleKey} of a map, port map or tuple-set
 * element, the address of an address-set element), so two states (the kernel's and the committed one) compare key
 * by key.
 */
public record KernelElements(Map<SetReference, Map<Object, Element>> bySet) {
    public KernelElements {
        Map<SetReference, Map<Object, Element>> copy = new LinkedHashMap<>();
        bySet.forEach((set, elements) -> copy.put(set, Map.copyOf(elements)));
        bySet = Map.copyOf(copy);
    }

    public Map<Object, Element> of(SetReference set) {
        return bySet.getOrDefault(set, Map.of());
    }

    public int size() {
        return bySet.values().stream().mapToInt(Map::size).sum();
    }
}
