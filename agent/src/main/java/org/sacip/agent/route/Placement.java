package org.sacip.agent.route;

import java.net.InetAddress;

/** Where a local address sits now: on a managed interface that is up, with the prefix length of its subnet. */
public record Placement(InetAddress address, int interfaceIndex, int prefixLength) {
    public Placement {
        int bits = address.getAddress().length * 8;
        if (interfaceIndex <= 0 || prefixLength < 0 || prefixLength > bits) {
            throw new IllegalArgumentException("interface " + interfaceIndex + " or prefix length " + prefixLength
                    + " out of range");
        }
    }
}
