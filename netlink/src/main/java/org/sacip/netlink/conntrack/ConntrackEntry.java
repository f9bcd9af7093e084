package org.sacip.netlink.conntrack;

import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;

/**
 * A conntrack entry as an event, a dump or a lookup reports it: the kernel's id, the IP protocol, the tuple as first
 * seen (original) and as answers must look (reply; differs under NAT), the status bits, and what the kernel adds
 * when it has it: seconds until it expires, the TCP state (CTA_PROTOINFO: in dumps, lookups, destroy events and
 * updates that change it), packet and byte counters per direction (when accounting is on; in dumps, lookups and
 * destroy events, not in new or update events) and the connection mark (when non-zero or changed).
 */
public record ConntrackEntry(long id, int protocol, FlowTuple original, FlowTuple reply, Set<ConntrackStatus> status,
        OptionalLong timeoutSeconds, Optional<ConntrackTcpState> tcpState, Optional<FlowCounters> originalCounters,
        Optional<FlowCounters> replyCounters, OptionalLong mark) {

    public ConntrackEntry {
        status = Set.copyOf(status);
    }

    public boolean has(ConntrackStatus bit) {
        return status.contains(bit);
    }

    /** The same flow in the older, smaller form the agent's UDP scans use. */
    public ConntrackFlow toFlow() {
        long bits = 0;
        for (ConntrackStatus bit : status) {
            bits |= bit.mask();
        }
        return new ConntrackFlow(original, reply, bits, timeoutSeconds.orElse(0), id);
    }
}
