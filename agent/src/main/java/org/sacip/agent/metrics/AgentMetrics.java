package org.sacip.agent.metrics;

import io.prometheus.metrics.core.datapoints.CounterDataPoint;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.Unit;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.ToLongFunction;
import org.sacip.agent.handover.HandoverView;
import org.sacip.agent.handover.MoveOutcome;
import org.sacip.control.SessionState;
import org.sacip.agent.move.MoveKind;
import org.sacip.agent.peer.protocol.DropReason;
import org.sacip.agent.peer.protocol.MessageCounters;
import org.sacip.protocol.message.MessageKind;

/**
 * The agent's Prometheus metrics (docs/METRICS.md), in a registry of their own. Moves are counted as they happen
 * (lock-free, on the handover thread); everything else is read when scraped, from the views and counters that the
 * {@link MetricSources} publish anyway, so the engine and the handover do no work for a scrape. Exists only when
 * metrics are on: with them off the agent has none of this.
 */
public final class AgentMetrics {
    /** Convergence times of our moves: from tens of milliseconds in a quiet lab to minutes at 100,000 sessions. */
    static final double[] CONVERGENCE_BOUNDS = {0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300};

    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final Map<MoveKind, CounterDataPoint> started = new EnumMap<>(MoveKind.class);
    private final Map<MoveKind, Map<MoveOutcome, CounterDataPoint>> ended = new EnumMap<>(MoveKind.class);
    private final Histogram convergence;

    private AgentMetrics(MetricSources sources, Clock clock) {
        Counter startedCounter = Counter.builder().name("sacip_moves_started_total")
                .help("Moves of our addresses begun, by kind").labelNames("kind").register(registry);
        Counter endedCounter = Counter.builder().name("sacip_moves_total")
                .help("Moves of our addresses ended, by kind and outcome").labelNames("kind", "outcome")
                .register(registry);
        for (MoveKind kind : MoveKind.values()) {
            started.put(kind, startedCounter.labelValues(MetricLabels.of(kind)));
            Map<MoveOutcome, CounterDataPoint> byOutcome = new EnumMap<>(MoveOutcome.class);
            for (MoveOutcome outcome : MoveOutcome.values()) {
                byOutcome.put(outcome, endedCounter.labelValues(MetricLabels.of(kind), MetricLabels.of(outcome)));
            }
            ended.put(kind, byOutcome);
        }
        convergence = Histogram.builder().name("sacip_move_convergence_seconds")
                .help("Time from a move's first address event until every key lineage that had to confirm it answered")
                .unit(Unit.SECONDS).classicOnly().classicUpperBounds(CONVERGENCE_BOUNDS).register(registry);
        registerMessages(sources);
        registerState(sources);
        registerTunnel(sources);
        registry.register(new KeyAgeCollector(sources, clock));
        JvmMetrics.builder().register(registry);
    }

    /** The metrics of an agent whose views and counters {@code sources} reads; key ages by the agent's clock. */
    public static AgentMetrics create(MetricSources sources, Clock clock) {
        return new AgentMetrics(sources, clock);
    }

    /** The upper bounds of {@code sacip_move_convergence_seconds}, in seconds (+Inf not included). */
    public static double[] convergenceBounds() {
        return CONVERGENCE_BOUNDS.clone();
    }

    /** The upper bounds of {@code sacip_key_age_seconds}, in seconds (+Inf not included). */
    public static double[] keyAgeBounds() {
        return Arrays.copyOf(KeyAgeCollector.BOUNDS, KeyAgeCollector.BOUNDS.length - 1);
    }

    public PrometheusRegistry registry() {
        return registry;
    }

    /** One of our moves began (from the handover's observer; never waits). */
    public void moveStarted(MoveKind kind) {
        started.get(kind).inc();
    }

    /** One of our moves ended; the convergence time, when present, goes into the histogram. */
    public void moveEnded(MoveKind kind, MoveOutcome outcome, Optional<Duration> sinceEvent) {
        ended.get(kind).get(outcome).inc();
        sinceEvent.ifPresent(d -> convergence.observe(Unit.nanosToSeconds(d.toNanos())));
    }

    private void registerMessages(MetricSources sources) {
        messageCounter("sacip_messages_sent_total", "SACIP messages handed to the sender, by kind (retransmissions "
                + "included)", sources, MessageCounters::sent);
        messageCounter("sacip_messages_received_total", "SACIP messages received and decoded, by kind",
                sources, MessageCounters::received);
        messageCounter("sacip_messages_retransmitted_total", "SACIP messages sent again because no answer came, by "
                + "kind", sources, MessageCounters::retransmitted);
        CounterWithCallback.builder().name("sacip_messages_dropped_total")
                .help("Received SACIP messages dropped, by reason").labelNames("reason")
                .callback(callback -> {
                    for (DropReason reason : DropReason.values()) {
                        callback.call(sources.drops().count(reason), MetricLabels.of(reason));
                    }
                }).register(registry);
    }

    @FunctionalInterface
    private interface KindCount {
        long count(MessageCounters counters, MessageKind kind);
    }

    private void messageCounter(String name, String help, MetricSources sources, KindCount count) {
        CounterWithCallback.builder().name(name).help(help).labelNames("kind").callback(callback -> {
            MessageCounters counters = sources.messages();
            for (MessageKind kind : MessageKind.values()) {
                callback.call(count.count(counters, kind), MetricLabels.of(kind));
            }
        }).register(registry);
    }

    /** What the tunnel carried through NATs (docs/DATAPATH.md), as {@code TunnelDataPlane.counters()} has it. */
    private void registerTunnel(MetricSources sources) {
        tunnelCounter("sacip_tunnel_packets_total", "Packets of sessions carried through a NAT in the tunnel, by "
                + "direction", "packets_", sources);
        tunnelCounter("sacip_tunnel_octets_total", "Octets of the inner packets carried in the tunnel, by direction",
                "octets_", sources);
        CounterWithCallback.builder().name("sacip_tunnel_dropped_total")
                .help("Packets and datagrams the tunnel did not carry, by cause").labelNames("cause")
                .callback(callback -> {
                    Map<String, Long> counters = sources.tunnel();
                    for (String cause : MetricLabels.all(org.sacip.agent.tunnel.TunnelDataPlane.Drop.class)) {
                        callback.call(counters.getOrDefault("dropped_" + cause, 0L), cause);
                    }
                }).register(registry);
    }

    private void tunnelCounter(String name, String help, String prefix, MetricSources sources) {
        CounterWithCallback.builder().name(name).help(help).labelNames("direction").callback(callback -> {
            Map<String, Long> counters = sources.tunnel();
            for (String direction : List.of("in", "out")) {
                callback.call(counters.getOrDefault(prefix + direction, 0L), direction);
            }
        }).register(registry);
    }

    private void registerState(MetricSources sources) {
        GaugeWithCallback.builder().name("sacip_sessions")
                .help("Sessions the agent follows, by state (as sacipctl sessions shows them)").labelNames("state")
                .callback(callback -> {
                    Map<SessionState, Long> counts = new EnumMap<>(SessionState.class);
                    for (SessionState state : SessionState.values()) {
                        counts.put(state, 0L);
                    }
                    sources.handover().sessions().forEach(row -> counts.merge(row.state(), 1L, Long::sum));
                    counts.forEach((state, n) -> callback.call(n, MetricLabels.of(state)));
                }).register(registry);
        gauge("sacip_sessions_remapped", "Sessions whose addresses on the wire are rewritten (they live on after a "
                + "move)", sources, view -> view.sessions().stream().filter(r -> !r.remapping().isIdentity()).count());
        gauge("sacip_ghost_addresses", "Moved addresses kept on lo for their sessions (ghosts)", sources,
                view -> view.ghosts().size());
        CounterWithCallback.builder().name("sacip_datapath_restores_total")
                .help("Times the data path guard repaired the agent's tables or ghosts after someone else changed them")
                .callback(callback -> callback.call(sources.handover().restores())).register(registry);
        GaugeWithCallback.builder().name("sacip_peers")
                .help("Peer addresses the agent has sessions or keys with, by what it knows of their SACIP support")
                .labelNames("capability")
                .callback(callback -> PeerCount.of(sources.engine()).forEach((capability, n) ->
                        callback.call(n, MetricLabels.of(capability)))).register(registry);
    }

    private void gauge(String name, String help, MetricSources sources, ToLongFunction<HandoverView> value) {
        GaugeWithCallback.builder().name(name).help(help)
                .callback(callback -> callback.call(value.applyAsLong(sources.handover()))).register(registry);
    }
}
