package org.sacip.netlink.route;

import java.util.OptionalInt;

/**
 * What the kernel knows of a path's MTU: {@code recorded}, a path MTU it learned for the destination (from an ICMP
 * error) or the route's configured one, if any; {@code device}, the MTU of the device the route leaves through.
 */
public record PathMtu(OptionalInt recorded, int device) {
    /** The smaller of the two: what a datagram with Don't Fragment may be as far as the kernel knows. */
    public int effective() {
        return recorded.isPresent() ? Math.min(recorded.getAsInt(), device) : device;
    }
}
