package org.sacip.netlink.route;

import java.net.InetAddress;
import java.util.Optional;

/**
 * A route or a route lookup result: destination prefix, output interface (0 if none), gateway and preferred
 * source when present, routing table, type (1 unicast, 2 local, 3 broadcast, ...) and scope.
 */
public record RouteInfo(int family, Optional<InetAddress> destination, int destinationLength,
        int outputInterface, Optional<InetAddress> gateway, Optional<InetAddress> preferredSource, int table,
        int type, int scope, int protocol) {

    public static final int TYPE_UNICAST = 1;
    public static final int TYPE_LOCAL = 2;
}
