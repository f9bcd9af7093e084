package org.sacip.agent.route;

import java.net.InetAddress;
import java.util.Optional;

/**
 * The default route of one interface in the main table: through a gateway, or straight out of the interface (a
 * point-to-point link). {@code ipv4} tells the family, since a route without gateway names none.
 */
public record UplinkDefault(boolean ipv4, int interfaceIndex, Optional<InetAddress> gateway) {
    public UplinkDefault {
        if (interfaceIndex <= 0) {
            throw new IllegalArgumentException("interface index " + interfaceIndex);
        }
        if (gateway.isPresent() && (gateway.get().getAddress().length == 4) != ipv4) {
            throw new IllegalArgumentException("gateway of the other family");
        }
    }

    /** The key of the main table's defaults: family and interface. */
    record Key(boolean ipv4, int interfaceIndex) {
    }

    Key key() {
        return new Key(ipv4, interfaceIndex);
    }
}
