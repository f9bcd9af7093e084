package org.sacip.netlink.nftables;

import java.util.Objects;

/**
 * An element of a SACIP port map: packets with this tuple get {@code port} written into one of their transport
 * ports (which one is the rule's business, as the address field is for a {@link MapElement}). Any 16-bit value, as
 * {@link TupleKey}'s ports: whatever the kernel holds must read back, so that a repair can replace it.
 */
public record PortMapElement(TupleKey key, int port) implements Element {
    public PortMapElement {
        Objects.requireNonNull(key, "key");
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port value " + port + " is outside 0..65535 (" + key + ")");
        }
    }

    @Override
    public String toString() {
        return key + " : " + port;
    }
}
