package org.sacip.netlink.route;

import java.util.Optional;
import java.util.OptionalInt;

/**
 * A change to one existing link ({@code ip link set dev DEV [mtu MTU] [up|down]}): what is empty stays as it is.
 * The kernel checks the MTU against the device's own limits (a TUN takes 68..65535) and refuses it with EINVAL.
 */
public record LinkRequest(int interfaceIndex, OptionalInt mtu, Optional<Boolean> up) {

    public LinkRequest {
        if (interfaceIndex <= 0) {
            throw new IllegalArgumentException("interface index " + interfaceIndex);
        }
        if (mtu.isPresent() && mtu.getAsInt() <= 0) {
            throw new IllegalArgumentException("MTU " + mtu.getAsInt() + " is not positive");
        }
        if (mtu.isEmpty() && up.isEmpty()) {
            throw new IllegalArgumentException("a link request that changes nothing");
        }
    }

    /** {@code ip link set dev DEV mtu MTU}. */
    public static LinkRequest mtu(int interfaceIndex, int mtu) {
        return new LinkRequest(interfaceIndex, OptionalInt.of(mtu), Optional.empty());
    }

    /** {@code ip link set dev DEV up} (true) or {@code down} (false). */
    public static LinkRequest up(int interfaceIndex, boolean up) {
        return new LinkRequest(interfaceIndex, OptionalInt.empty(), Optional.of(up));
    }
}
