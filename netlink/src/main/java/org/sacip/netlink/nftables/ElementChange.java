package org.sacip.netlink.nftables;

import java.util.List;
import java.util.Objects;

/** Elements to add to or delete from one set, as queued for the next transaction. */
public record ElementChange(Operation operation, SetReference set, List<Element> elements) {
    public enum Operation { ADD, DELETE }

    public ElementChange {
        Objects.requireNonNull(operation, "operation");
        Objects.requireNonNull(set, "set");
        elements = List.copyOf(elements);
        for (Element element : elements) {
            set.layout().check(element);
        }
    }
}
