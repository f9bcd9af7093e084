package org.sacip.netlink.conntrack;

/**
 * Packets and bytes conntrack counted in one direction of a flow (with {@code nf_conntrack_acct} on when the flow
 * began). Bytes are whole IP packets, headers included; a segmentation-offload packet counts once.
 */
public record FlowCounters(long packets, long bytes) {
}
