package org.sacip.netlink.nftables;

import java.net.InetAddress;
import java.util.Objects;

/** An element of a SACIP rewrite map: packets with this tuple get {@code address} written into them. */
public record MapElement(TupleKey key, InetAddress address) implements Element {
    public MapElement {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(address, "address");
        if (key.source().getClass() != address.getClass()) {
            throw new IllegalArgumentException("value " + address.getHostAddress()
                    + " is not of the key's IP version (" + key + ")");
        }
    }

    @Override
    public String toString() {
        return key + " : " + address.getHostAddress();
    }
}
