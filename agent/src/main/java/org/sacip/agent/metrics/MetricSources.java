package org.sacip.agent.metrics;

import java.util.Map;
import java.util.function.Supplier;
import org.sacip.agent.handover.HandoverView;
import org.sacip.agent.peer.protocol.DropCounters;
import org.sacip.agent.peer.protocol.EngineView;
import org.sacip.agent.peer.protocol.MessageCounters;
import org.sacip.agent.peer.protocol.PeerProtocol;

/**
 * What a scrape reads: the views the handover and the engine publish for the control socket, and the engine's
 * lock-free counters. Every method returns at once from any thread; none waits for the engine or the handover.
 */
public interface MetricSources {
    HandoverView handover();

    EngineView engine();

    DropCounters drops();

    MessageCounters messages();

    /** The tunnel data plane's counters ({@code TunnelDataPlane.counters()}); empty when there is no tunnel. */
    default Map<String, Long> tunnel() {
        return Map.of();
    }

    /**
     * The sources of a running agent: its handover's view and its engine's view and counters. Both suppliers are read
     * at each scrape, so they may name parts that are opened after the metrics are made.
     */
    static MetricSources of(Supplier<HandoverView> handover, Supplier<PeerProtocol> protocol) {
        return of(handover, protocol, Map::of);
    }

    /** As {@link #of(Supplier, Supplier)}, with the tunnel data plane's counters. */
    static MetricSources of(Supplier<HandoverView> handover, Supplier<PeerProtocol> protocol,
            Supplier<Map<String, Long>> tunnel) {
        return new MetricSources() {
            @Override
            public Map<String, Long> tunnel() {
                return tunnel.get();
            }

            @Override
            public HandoverView handover() {
                return handover.get();
            }

            @Override
            public EngineView engine() {
                return protocol.get().view();
            }

            @Override
            public DropCounters drops() {
                return protocol.get().drops();
            }

            @Override
            public MessageCounters messages() {
                return protocol.get().messages();
            }
        };
    }
}
