package org.sacip.netlink.conntrack;

import java.net.InetAddress;

/** One direction of a tracked flow: addresses, ports and IP protocol number. */
public record FlowTuple(InetAddress source, InetAddress destination, int protocol, int sourcePort,
        int destinationPort) {
}
