package org.sacip.agent.peer.transport;

import java.util.Map;

/** A snapshot of what the transport did: messages delivered and sent, frames rejected by reason. */
public record TransportCounters(long delivered, long sent, Map<FrameRejection, Long> rejected) {
    public TransportCounters {
        rejected = Map.copyOf(rejected);
    }

    public long rejected(FrameRejection reason) {
        return rejected.getOrDefault(reason, 0L);
    }
}
