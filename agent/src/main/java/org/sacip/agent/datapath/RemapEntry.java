package org.sacip.agent.datapath;

import java.util.Objects;
import org.sacip.netlink.nftables.Element;
import org.sacip.netlink.nftables.MapElement;
import org.sacip.netlink.nftables.PortMapElement;
import org.sacip.netlink.nftables.SetReference;
import org.sacip.netlink.nftables.TupleElement;
import org.sacip.netlink.nftables.TupleKey;

/**
 * One element of one SACIP rewrite map: an address ({@link MapElement}) or a port ({@link PortMapElement}); or of
 * the set of carried sessions ({@link TupleElement}).
 */
public record RemapEntry(SetReference map, Element element) {
    public RemapEntry {
        Objects.requireNonNull(map, "map");
        Objects.requireNonNull(element, "element");
        if (!(element instanceof MapElement || element instanceof PortMapElement
                || element instanceof TupleElement && map.equals(SacipSets.CARRIED4))) {
            throw new IllegalArgumentException("not a rewrite map element: " + element);
        }
        map.layout().check(element);
    }

    /** Map and key: what identifies the element in the kernel (one value per key). */
    public record Slot(SetReference map, TupleKey key) {
    }

    public Slot slot() {
        if (element instanceof TupleElement tuple) {
            return new Slot(map, tuple.key());
        }
        return new Slot(map, element instanceof PortMapElement port ? port.key() : ((MapElement) element).key());
    }

    @Override
    public String toString() {
        return map.name() + " " + element;
    }
}
