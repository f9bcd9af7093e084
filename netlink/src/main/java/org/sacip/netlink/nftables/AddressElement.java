package org.sacip.netlink.nftables;

import java.net.InetAddress;
import java.util.Objects;

/** An element of an address set such as the ghost sets. */
public record AddressElement(InetAddress address) implements Element {
    public AddressElement {
        Objects.requireNonNull(address, "address");
    }

    @Override
    public String toString() {
        return address.getHostAddress();
    }
}
