package org.sacip.netlink.route;

import java.util.Optional;
import java.util.OptionalInt;

/**
 * A change to one existing link ({@code ip link set dev DEV [mtu MTU] [txqueuelen LENGTH] [up|down]}): what is empty
 * stays as it is. The kernel checks the MTU against the device's own limits (a TUN takes 68..65535) and refuses it
 * with EINVAL.
 */
public record LinkRequest(int interfaceIndex, OptionalInt mtu, OptionalInt txQueueLength, Optional<Boolean> up) {

    public LinkRequest {
        if (interfaceIndex <= 0) {
            throw new IllegalArgumentException("interface index " + interfaceIndex);
        }
        if (mtu.isPresent() && mtu.getAsInt() <= 0) {
            throw new IllegalArgumentException("MTU " + mtu.getAsInt() + " is not positive");
        }
        if (txQueueLength.isPresent() && txQueueLength.getAsInt() <= 0) {
            throw new IllegalArgumentException("transmit queue length " + txQueueLength.getAsInt()
                    + " is not positive");
        }
        if (mtu.isEmpty() && txQueueLength.isEmpty() && up.isEmpty()) {
            throw new IllegalArgumentException("a link request that changes nothing");
        }
    }

    /** {@code ip link set dev DEV mtu MTU}. */
    public static LinkRequest mtu(int interfaceIndex, int mtu) {
        return new LinkRequest(interfaceIndex, OptionalInt.of(mtu), OptionalInt.empty(), Optional.empty());
    }

    /** {@code ip link set dev DEV txqueuelen LENGTH}: for a TUN device, how many packets wait for its reader. */
    public static LinkRequest txQueueLength(int interfaceIndex, int length) {
        return new LinkRequest(interfaceIndex, OptionalInt.empty(), OptionalInt.of(length), Optional.empty());
    }

    /** {@code ip link set dev DEV up} (true) or {@code down} (false). */
    public static LinkRequest up(int interfaceIndex, boolean up) {
        return new LinkRequest(interfaceIndex, OptionalInt.empty(), OptionalInt.empty(), Optional.of(up));
    }
}
