package org.sacip.netlink.nftables;

import java.util.Objects;

/** An element of a set of concatenated tuples ({@code saddr . daddr . l4proto . sport . dport}), no value. */
public record TupleElement(TupleKey key) implements Element {
    public TupleElement {
        Objects.requireNonNull(key, "key");
    }

    @Override
    public String toString() {
        return key.toString();
    }
}
