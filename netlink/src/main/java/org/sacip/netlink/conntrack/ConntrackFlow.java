package org.sacip.netlink.conntrack;

/**
 * A conntrack entry: the tuple as first seen (original) and as answers must look (reply; differs under NAT),
 * status bits (IPS_*), seconds until it expires and the kernel's id.
 */
public record ConntrackFlow(FlowTuple original, FlowTuple reply, long status, long timeoutSeconds, long id) {
    public static final long IPS_SEEN_REPLY = 1 << 1;
    public static final long IPS_ASSURED = 1 << 2;
}
