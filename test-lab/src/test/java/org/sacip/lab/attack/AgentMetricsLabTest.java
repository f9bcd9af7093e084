package org.sacip.lab.attack;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.sacip.lab.Lab;
import org.sacip.lab.LabException;
import org.sacip.lab.agent.AgentControl;
import org.sacip.lab.agent.ProjectRoot;
import org.sacip.lab.move.MoveKind;
import org.sacip.lab.move.MoveStep;
import org.sacip.lab.move.Mover;
import org.sacip.lab.topology.Family;
import org.sacip.lab.topology.Topology;
import org.sacip.lab.topology.TopologyBuilder;
import org.sacip.lab.topology.TopologyKind;
import org.sacip.testing.MetricsText;

/**
 * The agents' Prometheus metrics (docs/METRICS.md), scraped over HTTP inside their lab namespaces after a real move of
 * a TCP stream: the move, its outcome, the remapped sessions, the messages that carried it and the convergence time
 * are there and agree with the control socket; every label value is a documented one. With metrics off nothing
 * listens.
 */
class AgentMetricsLabTest {
    private static final int PORT = 5001;
    private static final String METRICS_URL = "http://127.0.0.1:9464/metrics";
    /** Fetches a URL with python3 (which bin/lib/bootstrap.sh installs) inside the namespace it runs in. */
    private static final String FETCH = "import sys, urllib.request\n"
            + "sys.stdout.write(urllib.request.urlopen(sys.argv[1], timeout=10).read().decode())";
    private static final long LIMIT_MS = 15_000;
    private static final Set<String> ANSWERED = Set.of("converged", "partial", "refused");

    @Test
    void aRealMoveShowsInBothAgentsMetrics() throws Exception {
        Family family = Family.IPV4;
        try (Lab lab = new Lab()) {
            Topology topology = TopologyBuilder.build(lab, TopologyKind.ROAMING, family);
            InetAddress x = Addresses.of(family, 1, 2);
            InetAddress y = Addresses.of(family, 2, 2);
            InetAddress b = Addresses.of(family, 10, 2);
            ConfiguredAgent agentA = ConfiguredAgent.start(lab, "a", "metrics = on\n");
            ConfiguredAgent agentB = ConfiguredAgent.start(lab, "b", "metrics = on\n");
            AgentControl controlA = agentA.control();
            AgentControl controlB = agentB.control();
            List<String> listening = listeners(lab, "a");
            MetricsText quiet = scrape(lab, "a");

            VerifiedStream stream = VerifiedStream.open(lab, "a", x, "b", new InetSocketAddress(b, PORT));
            Waits.until("A agrees a key with B", PeerKeys.KEY_LIMIT_MS,
                    () -> PeerKeys.lineages(controlA, Addresses.text(b)), ids -> !ids.isEmpty());
            new Mover(topology).move(new MoveStep("a", 0, 1, MoveKind.MAKE_BEFORE_BREAK, 0));
            String fromY = Addresses.endpoint(y, stream.clientPort());
            Waits.until("A's session sends from Y", LIMIT_MS, () -> AgentFacts.sessions(controlA),
                    AgentFacts.sendingFrom(fromY));
            Waits.until("B sends the stream to Y", LIMIT_MS, () -> AgentFacts.session(controlB,
                    Addresses.endpoint(b, PORT), Addresses.endpoint(x, stream.clientPort())),
                    AgentFacts.sentTo(fromY));
            // The control socket and the metrics read the same published views: wait until both show the move.
            MetricsText a = Waits.until("A's metrics show a converged move, its remapped session and as many moves"
                    + " as its status", LIMIT_MS, () -> scrape(lab, "a"), m -> outcome(m, "converged") >= 1
                    && m.require("sacip_sessions_remapped", Map.of()) >= 1
                    && m.sum("sacip_moves_started_total") == controlA.status().path("moves").asLong());
            MetricsText bMetrics = Waits.until("B's metrics show the session it remapped", LIMIT_MS,
                    () -> scrape(lab, "b"), m -> m.require("sacip_sessions_remapped", Map.of()) >= 1);
            List<JsonNode> sessionsA = AgentFacts.sessions(controlA);
            JsonNode statusA = controlA.status();
            stream.finish();
            System.out.printf("metrics: A listens at %s; A's moves %s; convergence count %.0f sum %.3f s; A sent %s;"
                    + " B received %s%n", listening, nonZero(a, "sacip_moves_total"),
                    a.require("sacip_move_convergence_seconds_count", Map.of()),
                    a.require("sacip_move_convergence_seconds_sum", Map.of()), nonZero(a, "sacip_messages_sent_total"),
                    nonZero(bMetrics, "sacip_messages_received_total"));

            long answered = a.samples("sacip_moves_total").stream()
                    .filter(s -> ANSWERED.contains(s.labels().get("outcome"))).mapToLong(s -> (long) s.value()).sum();
            long remappedRows = sessionsA.stream().filter(AgentMetricsLabTest::remapped).count();
            long activeRows = sessionsA.stream().filter(row -> "active".equals(row.path("state").asText())).count();
            Map<String, Set<String>> documented = documentedLabelValues();
            assertAll(
                    () -> assertEquals(List.of("127.0.0.1:9464"), listening.stream()
                            .map(AgentMetricsLabTest::unmapped).toList(),
                            "the endpoint listens on the loopback address only, by default"),
                    () -> assertEquals(0, quiet.sum("sacip_moves_started_total"), "no move before the move"),
                    () -> assertTrue(quiet.value("jvm_memory_used_bytes", Map.of("area", "heap")).orElse(0.0) > 0,
                            "the JVM's metrics are there"),
                    () -> assertEquals(statusA.path("moves").asLong(), (long) a.sum("sacip_moves_started_total"),
                            "moves started, as the status counts them"),
                    () -> assertEquals(answered, (long) a.require("sacip_move_convergence_seconds_count", Map.of()),
                            "one convergence time per move whose peers answered"),
                    () -> assertTrue(a.require("sacip_move_convergence_seconds_sum", Map.of()) > 0,
                            "convergence takes some time"),
                    () -> assertEquals(remappedRows, (long) a.require("sacip_sessions_remapped", Map.of()),
                            "A's remapped sessions, as sacipctl sessions lists them: " + sessionsA),
                    () -> assertEquals(activeRows, (long) a.require("sacip_sessions", Map.of("state", "active")),
                            "A's active sessions"),
                    () -> assertEquals(1, a.require("sacip_peers", Map.of("capability", "sacip_v2")),
                            "A has a key with B"),
                    () -> assertEquals(1, bMetrics.require("sacip_peers", Map.of("capability", "sacip_v2")),
                            "B has a key with A"),
                    () -> assertEquals(1, a.require("sacip_key_age_seconds_gcount", Map.of()), "A holds one key"),
                    () -> assertAtLeastOne(a, "sacip_messages_sent_total", "address_update"),
                    () -> assertAtLeastOne(bMetrics, "sacip_messages_received_total", "address_update"),
                    () -> assertAtLeastOne(bMetrics, "sacip_messages_sent_total", "path_challenge"),
                    () -> assertAtLeastOne(a, "sacip_messages_received_total", "path_challenge"),
                    () -> assertAtLeastOne(a, "sacip_messages_sent_total", "path_response"),
                    () -> assertAtLeastOne(bMetrics, "sacip_messages_sent_total", "update_ack"),
                    () -> assertAtLeastOne(a, "sacip_messages_received_total", "update_ack"),
                    () -> assertTrue(bMetrics.require("sacip_sessions_remapped", Map.of()) >= 1,
                            "B rewrites the stream to A's new address"),
                    () -> assertDocumentedLabels(a, documented),
                    () -> assertDocumentedLabels(bMetrics, documented));
        }
    }

    @Test
    void withMetricsOffNothingListens() {
        try (Lab lab = new Lab()) {
            TopologyBuilder.build(lab, TopologyKind.ROAMING, Family.IPV4);
            ConfiguredAgent.start(lab, "a", "");
            ConfiguredAgent.start(lab, "b", "metrics = off\n");
            assertAll(
                    () -> assertEquals(List.of(), listeners(lab, "a"), "A's agent (no metrics key) listens"),
                    () -> assertEquals(List.of(), listeners(lab, "b"), "B's agent (metrics = off) listens"));
        }
    }

    /** An address the host does not hold cannot be listened at: the agent does not start, and says why (exit 2). */
    @Test
    void aListenAddressTheHostDoesNotHoldIsAConfigurationError() {
        try (Lab lab = new Lab()) {
            TopologyBuilder.build(lab, TopologyKind.ROAMING, Family.IPV4);
            LabException e = assertThrows(LabException.class, () -> ConfiguredAgent.start(lab, "a",
                    "metrics = on\nmetrics-listen = 198.18.250.1:9464\n"));
            assertAll(
                    () -> assertTrue(e.getMessage().contains("exited with status 2"), e.getMessage()),
                    () -> assertTrue(e.getMessage().contains("sacip-agent: metrics: cannot listen at "
                            + "198.18.250.1:9464"), e.getMessage()),
                    () -> assertEquals(List.of(), listeners(lab, "a"), "nothing listens after the failed start"));
        }
    }

    /** A session row whose addresses on the wire are not its own (what the agent counts as remapped). */
    private static boolean remapped(JsonNode row) {
        String local = row.path("local").asText();
        return !row.path("active_local").asText().equals(local) || !row.path("send_from").asText().equals(local)
                || !row.path("active_remote").asText().equals(row.path("remote").asText());
    }

    /** {@code [::ffff:127.0.0.1]:9464} (the JDK's dual-stack socket bound to an IPv4 address) as 127.0.0.1:9464. */
    private static String unmapped(String listener) {
        return listener.replaceFirst("^\\[::ffff:([0-9.]+)]", "$1");
    }

    /** The TCP sockets listening in the host's namespace, as {@code address:port}. */
    private static List<String> listeners(Lab lab, String host) {
        return lab.run(host, "ss", "-Hltn").lines().filter(line -> !line.isBlank())
                .map(line -> line.trim().split("\\s+")[3]).toList();
    }

    private static MetricsText scrape(Lab lab, String host) {
        return MetricsText.parse(lab.run(host, "python3", "-c", FETCH, METRICS_URL));
    }

    /** Moves ended with this outcome, over every kind (the agent tells which kind the lab's move was). */
    private static double outcome(MetricsText metrics, String outcome) {
        return metrics.samples("sacip_moves_total").stream()
                .filter(s -> outcome.equals(s.labels().get("outcome"))).mapToDouble(MetricsText.Sample::value).sum();
    }

    private static void assertAtLeastOne(MetricsText metrics, String name, String kind) {
        double value = metrics.require(name, Map.of("kind", kind));
        assertTrue(value >= 1, name + "{kind=\"" + kind + "\"} is " + value);
    }

    private static String nonZero(MetricsText metrics, String name) {
        return metrics.samples(name).stream().filter(s -> s.value() != 0)
                .map(s -> s.labels().values() + "=" + (long) s.value()).collect(Collectors.joining(" "));
    }

    /** Every label of the agent's own series has a value docs/METRICS.md lists for it (histogram bounds aside). */
    private static void assertDocumentedLabels(MetricsText metrics, Map<String, Set<String>> documented) {
        for (MetricsText.Sample sample : metrics.samples()) {
            if (!sample.name().startsWith("sacip_")) {
                continue;
            }
            sample.labels().forEach((label, value) -> {
                if (!label.equals("le")) {
                    assertTrue(documented.getOrDefault(label, Set.of()).contains(value), sample.name() + " has "
                            + label + "=\"" + value + "\", which docs/METRICS.md does not list: " + documented);
                }
            });
        }
    }

    /** The "Label values" table of docs/METRICS.md: label name (both kinds of "kind" together) to its values. */
    private static Map<String, Set<String>> documentedLabelValues() throws IOException {
        Path doc = ProjectRoot.find().resolve("docs/METRICS.md");
        Map<String, Set<String>> values = new HashMap<>();
        boolean inTable = false;
        for (String line : Files.readAllLines(doc)) {
            if (line.startsWith("## ")) {
                inTable = line.equals("## Label values");
            }
            if (inTable && line.startsWith("| `")) {
                String[] columns = line.split("\\|");
                String label = columns[1].replace("`", "").strip().split(" ")[0];
                Matcher matcher = Pattern.compile("`([^`]+)`").matcher(columns[2]);
                while (matcher.find()) {
                    values.computeIfAbsent(label, k -> new HashSet<>()).add(matcher.group(1));
                }
            }
        }
        assertEquals(Set.of("kind", "outcome", "reason", "state", "capability", "direction", "cause"),
                values.keySet(),
                "labels of the table in " + doc + " " + Arrays.toString(values.keySet().toArray()));
        return values;
    }
}
