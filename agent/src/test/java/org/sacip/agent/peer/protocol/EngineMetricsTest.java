package org.sacip.agent.peer.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.sacip.agent.handover.HandoverView;
import org.sacip.agent.handover.MoveOutcome;
import org.sacip.control.SessionState;
import org.sacip.agent.metrics.AgentMetrics;
import org.sacip.agent.metrics.MetricLabels;
import org.sacip.agent.metrics.MetricSources;
import org.sacip.agent.metrics.PeerCapability;
import org.sacip.agent.move.MoveKind;
import org.sacip.protocol.codec.SacipEncoder;
import org.sacip.protocol.message.Hello;
import org.sacip.protocol.message.MessageKind;
import org.sacip.protocol.message.Octets;
import org.sacip.protocol.message.PathChallenge;
import org.sacip.protocol.message.SacipAddress;
import org.sacip.testing.MetricsText;

/**
 * The message counters and the metrics that show them, on two real engines: counts match what crossed the link, and a
 * flood of forged messages from many addresses adds no series (every label value is one of our enums).
 */
class EngineMetricsTest extends TwoEngines {
    private static final Set<SacipAddress> OF_A = Set.of(A0, A1, A2);

    @Test
    void messagesAreCountedByKindAsTheLinkCarriedThem() {
        connect(a, A0, b, B0, 22);
        loop.advance(Duration.ofMillis(50));
        a.announceMove(A0, A1);
        loop.advance(Duration.ofMillis(10));
        List<MemoryLink.Packet> packets = link.sent();
        assertTrue(packets.stream().anyMatch(p -> p.kind() == MessageKind.UPDATE_ACK.code()),
                "the move was acknowledged: " + kinds(packets));
        for (MessageKind kind : MessageKind.values()) {
            long fromA = packets.stream().filter(p -> p.kind() == kind.code() && OF_A.contains(p.from())).count();
            long toA = packets.stream().filter(p -> p.kind() == kind.code() && OF_A.contains(p.to())).count();
            assertEquals(fromA, a.messages().sent(kind), kind + " sent by A");
            assertEquals(toA, a.messages().received(kind), kind + " received by A");
            assertEquals(toA, b.messages().sent(kind), kind + " sent by B");
            assertEquals(fromA, b.messages().received(kind), kind + " received by B");
            assertEquals(0, a.messages().retransmitted(kind), kind + " retransmitted by A on a lossless link");
        }
    }

    @Test
    void retransmissionsAreCountedAsSentAndRetransmitted() {
        connect(a, A0, b, B0, 22);
        loop.advance(Duration.ofMillis(50));
        link.clear();
        link.lose(p -> p.kind() == MessageKind.ADDRESS_UPDATE.code());
        long sentBefore = a.messages().sent(MessageKind.ADDRESS_UPDATE);
        a.announceMove(A0, A1);
        loop.advance(Duration.ofSeconds(5));
        long updates = link.count(MessageKind.ADDRESS_UPDATE);
        assertTrue(updates >= 2, "the lost update was sent again: " + updates);
        assertEquals(updates, a.messages().sent(MessageKind.ADDRESS_UPDATE) - sentBefore);
        assertEquals(updates - 1, a.messages().retransmitted(MessageKind.ADDRESS_UPDATE),
                "every transmission after the first is a retransmission");
    }

    @Test
    void theScrapeShowsTheCountersAndForgedTrafficAddsNoSeries() throws Exception {
        AgentMetrics metrics = metricsOf(a);
        MetricsText quiet = scrape(metrics);
        connect(a, A0, b, B0, 22);
        loop.advance(Duration.ofMillis(50));
        a.announceMove(A0, A1);
        loop.advance(Duration.ofMillis(10));
        List<MemoryLink.Packet> genuine = link.sent();
        // Forged traffic from 500 addresses: each genuine message with a byte changed, and every kind octet.
        Random random = new Random(7);
        for (int i = 0; i < 500; i++) {
            SacipAddress forger = SacipAddress.parse("198.18." + (1 + i / 250) + "." + (1 + i % 250));
            MemoryLink.Packet model = genuine.get(i % genuine.size());
            byte[] icmp = model.icmp().clone();
            icmp[10 + random.nextInt(icmp.length - 10)] ^= (byte) (1 + random.nextInt(255));
            link.inject(i % 2 == 0 ? forger : model.from(), A0, icmp);
            byte[] noise = new byte[8 + random.nextInt(120)];
            random.nextBytes(noise);
            if (noise.length > 9) {
                noise[9] = (byte) i;
            }
            link.inject(forger, A0, noise);
            // Well-formed: a handshake from the forger, and a challenge under a key id nobody agreed.
            link.inject(forger, A0, SacipEncoder.encode(new Hello(octets(random, 16)), forger, A0));
            link.inject(forger, A0, SacipEncoder.encode(new PathChallenge(octets(random, 8), octets(random, 16),
                    octets(random, 16)), forger, A0));
            loop.advance(Duration.ofMillis(1));
        }
        loop.advance(Duration.ofSeconds(1));
        a.publishViewNow();
        MetricsText flooded = scrape(metrics);

        assertTrue(a.drops().count(DropReason.MALFORMED) >= 500, "the noise was dropped: " + a.drops().total());
        assertTrue(a.drops().count(DropReason.UNKNOWN_KEY) > 0, "forged key ids were dropped");
        assertTrue(a.messages().received(MessageKind.HELLO) >= 500, "the HELLOs were read");
        for (DropReason reason : DropReason.values()) {
            assertEquals(a.drops().count(reason), flooded.require("sacip_messages_dropped_total",
                    Map.of("reason", MetricLabels.of(reason))), "drops for " + reason);
        }
        for (MessageKind kind : MessageKind.values()) {
            Map<String, String> label = Map.of("kind", MetricLabels.of(kind));
            assertEquals(a.messages().sent(kind), flooded.require("sacip_messages_sent_total", label));
            assertEquals(a.messages().received(kind), flooded.require("sacip_messages_received_total", label));
            assertEquals(a.messages().retransmitted(kind),
                    flooded.require("sacip_messages_retransmitted_total", label));
        }
        assertEquals(1, flooded.require("sacip_peers", Map.of("capability", "sacip_v2")), "B is keyed");
        assertEquals(1, flooded.require("sacip_key_age_seconds_gcount", Map.of()), "one key, with B");
        assertEquals(1, flooded.require("sacip_key_age_seconds_bucket", Map.of("le", "60.0")),
                "agreed about a second ago by the engines' clock");

        assertEquals(series(quiet), series(flooded), "the same series before any traffic and after the flood");
        Map<String, Set<String>> allowed = allowedLabelValues();
        for (MetricsText.Sample sample : flooded.samples()) {
            if (!sample.name().startsWith("sacip_")) {
                continue;
            }
            sample.labels().forEach((label, value) -> assertTrue(allowed.getOrDefault(label, Set.of())
                    .contains(value), sample.name() + " has " + label + "=\"" + value + "\", not one of "
                            + allowed.get(label)));
        }
    }

    @Test
    void movesAreCountedByKindAndOutcomeWithTheirConvergenceTime() throws Exception {
        AgentMetrics metrics = metricsOf(a);
        metrics.moveStarted(MoveKind.ROUTE_CHANGE);
        metrics.moveStarted(MoveKind.MAKE_BEFORE_BREAK);
        metrics.moveEnded(MoveKind.ROUTE_CHANGE, MoveOutcome.SUPERSEDED, Optional.empty());
        metrics.moveEnded(MoveKind.MAKE_BEFORE_BREAK, MoveOutcome.CONVERGED, Optional.of(Duration.ofMillis(40)));
        MetricsText text = scrape(metrics);
        assertEquals(1, text.require("sacip_moves_started_total", Map.of("kind", "route_change")));
        assertEquals(1, text.require("sacip_moves_started_total", Map.of("kind", "make_before_break")));
        assertEquals(0, text.require("sacip_moves_started_total", Map.of("kind", "link_down")));
        assertEquals(1, text.require("sacip_moves_total", Map.of("kind", "route_change", "outcome", "superseded")));
        assertEquals(1, text.require("sacip_moves_total", Map.of("kind", "make_before_break", "outcome",
                "converged")));
        assertEquals(2, text.sum("sacip_moves_total"));
        assertEquals(1, text.require("sacip_move_convergence_seconds_count", Map.of()),
                "only the move that waited for its peers has a convergence time");
        assertEquals(0.04, text.require("sacip_move_convergence_seconds_sum", Map.of()), 1e-9);
        assertEquals(0, text.require("sacip_move_convergence_seconds_bucket", Map.of("le", "0.025")));
        assertEquals(1, text.require("sacip_move_convergence_seconds_bucket", Map.of("le", "0.05")));
    }

    /** docs/METRICS.md names every metric of the agent and, for each label, exactly the values our enums give it. */
    @Test
    void everyMetricAndLabelValueIsDocumented() throws Exception {
        List<String> doc = Files.readAllLines(metricsDoc());
        Set<String> documented = new TreeSet<>();
        Map<String, Set<String>> documentedValues = new HashMap<>();
        boolean inLabels = false;
        for (String line : doc) {
            if (line.startsWith("## ")) {
                inLabels = line.equals("## Label values");
            }
            if (!line.startsWith("| `")) {
                continue;
            }
            String[] columns = line.split("\\|");
            if (inLabels) {
                documentedValues.put(columns[1].replace("`", "").strip(), backticked(columns[2]));
            } else if (columns[1].contains("sacip_")) {
                documented.add(columns[1].replace("`", "").strip().replaceAll("_total$", ""));
            }
        }
        AgentMetrics metrics = metricsOf(a);
        Set<String> registered = metrics.registry().scrape().stream().map(m -> m.getMetadata().getName())
                .filter(name -> name.startsWith("sacip_")).collect(Collectors.toCollection(TreeSet::new));
        assertEquals(registered, documented, "the metrics table of docs/METRICS.md");
        Map<String, Set<String>> expected = Map.of(
                "kind (moves)", Set.copyOf(MetricLabels.all(MoveKind.class)),
                "outcome", Set.copyOf(MetricLabels.all(MoveOutcome.class)),
                "kind (messages)", Set.copyOf(MetricLabels.all(MessageKind.class)),
                "reason", Set.copyOf(MetricLabels.all(DropReason.class)),
                "state", Set.copyOf(MetricLabels.all(SessionState.class)),
                "capability", Set.copyOf(MetricLabels.all(PeerCapability.class)),
                "direction", Set.of("in", "out"),
                "cause", Set.copyOf(MetricLabels.all(org.sacip.agent.tunnel.TunnelDataPlane.Drop.class)));
        assertEquals(expected, documentedValues, "the label values of docs/METRICS.md");
    }

    private static Set<String> backticked(String column) {
        Set<String> values = new TreeSet<>();
        Matcher matcher = Pattern.compile("`([^`]+)`").matcher(column);
        while (matcher.find()) {
            values.add(matcher.group(1));
        }
        return values;
    }

    /** docs/METRICS.md of this checkout (the tests run in the module's directory). */
    private static Path metricsDoc() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path doc = dir.resolve("docs/METRICS.md");
            if (Files.isRegularFile(doc)) {
                return doc;
            }
        }
        throw new AssertionError("no docs/METRICS.md above " + Path.of("").toAbsolutePath());
    }

    /** The metrics of one engine, without a handover (its view stays empty), key ages by the engines' clock. */
    @Test
    void theTunnelsCountersAreItsDataPlanes() throws Exception {
        Map<String, Long> counters = Map.of("packets_out", 5L, "octets_out", 700L, "packets_in", 3L,
                "octets_in", 180L, "dropped_not_bound", 2L, "dropped_rejected", 1L);
        AgentMetrics metrics = AgentMetrics.create(MetricSources.of(() -> HandoverView.EMPTY, () -> a,
                () -> counters), loop.clock());
        MetricsText text = scrape(metrics);
        assertEquals(5, text.require("sacip_tunnel_packets_total", Map.of("direction", "out")));
        assertEquals(3, text.require("sacip_tunnel_packets_total", Map.of("direction", "in")));
        assertEquals(700, text.require("sacip_tunnel_octets_total", Map.of("direction", "out")));
        assertEquals(180, text.require("sacip_tunnel_octets_total", Map.of("direction", "in")));
        assertEquals(2, text.require("sacip_tunnel_dropped_total", Map.of("cause", "not_bound")));
        assertEquals(1, text.require("sacip_tunnel_dropped_total", Map.of("cause", "rejected")));
        assertEquals(0, text.require("sacip_tunnel_dropped_total", Map.of("cause", "unknown_tunnel")));
    }

    private AgentMetrics metricsOf(PeerProtocol engine) {
        return AgentMetrics.create(MetricSources.of(() -> HandoverView.EMPTY, () -> engine), loop.clock());
    }

    private static Octets octets(Random random, int length) {
        byte[] bytes = new byte[length];
        random.nextBytes(bytes);
        return Octets.of(bytes);
    }

    static MetricsText scrape(AgentMetrics metrics) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrometheusTextFormatWriter.create().write(out, metrics.registry().scrape());
        return MetricsText.parse(out.toString(StandardCharsets.UTF_8));
    }

    /** The agent's own series (name and labels), without values. */
    private static Set<String> series(MetricsText text) {
        return text.samples().stream().filter(s -> s.name().startsWith("sacip_"))
                .map(s -> s.name() + s.labels()).collect(Collectors.toSet());
    }

    private static Map<String, Set<String>> allowedLabelValues() {
        Map<String, Set<String>> allowed = new HashMap<>();
        allowed.put("kind", union(MetricLabels.all(MessageKind.class), MetricLabels.all(MoveKind.class)));
        allowed.put("outcome", Set.copyOf(MetricLabels.all(MoveOutcome.class)));
        allowed.put("reason", Set.copyOf(MetricLabels.all(DropReason.class)));
        allowed.put("state", Set.copyOf(MetricLabels.all(SessionState.class)));
        allowed.put("capability", Set.copyOf(MetricLabels.all(PeerCapability.class)));
        allowed.put("direction", Set.of("in", "out"));
        allowed.put("cause", Set.copyOf(MetricLabels.all(org.sacip.agent.tunnel.TunnelDataPlane.Drop.class)));
        allowed.put("le", union(bounds(AgentMetrics.convergenceBounds()), bounds(AgentMetrics.keyAgeBounds())));
        return allowed;
    }

    private static Set<String> union(List<String> first, List<String> second) {
        return java.util.stream.Stream.concat(first.stream(), second.stream()).collect(Collectors.toSet());
    }

    private static List<String> bounds(double[] bounds) {
        List<String> text = new java.util.ArrayList<>(Arrays.stream(bounds)
                .mapToObj(EngineMetricsTest::le).toList());
        text.add("+Inf");
        return text;
    }

    private static String le(double bound) {
        // As the text format writes them: 60.0, 0.025.
        return Double.toString(bound);
    }

    private static String kinds(List<MemoryLink.Packet> packets) {
        return packets.stream().map(p -> Integer.toString(p.kind())).collect(Collectors.joining(","));
    }
}
