package org.sacip.netlink.nftables;

import java.util.ArrayList;
import java.util.List;
import org.sacip.netlink.NetlinkParseException;

/** The elements one NEWSETELEM/DELSETELEM message names, in the kernel's byte form. */
public record ElementList(NftFamily family, String table, String set, List<ElementBytes> elements) {
    public ElementList {
        elements = List.copyOf(elements);
    }

    /** Whether this list belongs to the given set (family, table and name). */
    public boolean isOf(SetReference reference) {
        return reference.family() == family && reference.table().equals(table) && reference.name().equals(set);
    }

    /** The elements as typed values of the given layout; a mismatch is a parse error, never a wrong value. */
    public List<Element> decode(ElementLayout layout) throws NetlinkParseException {
        List<Element> typed = new ArrayList<>(elements.size());
        for (ElementBytes element : elements) {
            typed.add(layout.decode(element.key(), element.data()));
        }
        return typed;
    }
}
