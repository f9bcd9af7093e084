package org.sacip.tools.format;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * sacipctl status: "key: value" lines, values aligned; drops by reason, non-zero ones only, then the total; then the
 * path MTU relay's non-zero counts; then SACIP over UDP: the agent port (or off) and its non-zero counts, among them
 * the lineages whose keepalives go unanswered (the peer's agent port may be filtered).
 */
public final class StatusView {
    private StatusView() {
    }

    public static String render(JsonNode status) {
        List<Map.Entry<String, String>> lines = new ArrayList<>();
        lines.add(Map.entry("version", Fields.text(status, "version")));
        lines.add(Map.entry("started", Fields.text(status, "started")));
        lines.add(Map.entry("uptime", Fields.seconds(status, "uptime_seconds")));
        lines.add(Map.entry("managed addresses", managedAddresses(status.path("managed_addresses"))));
        for (String counter : List.of("ghosts", "sessions", "peers", "moves", "restores")) {
            lines.add(Map.entry(counter, Fields.text(status, counter)));
        }
        for (Map.Entry<String, JsonNode> drop : status.path("drops").properties()) {
            if (drop.getValue().asLong() != 0) {
                lines.add(Map.entry("drops " + drop.getKey(), drop.getValue().asText()));
            }
        }
        lines.add(Map.entry("drops total", Fields.text(status, "drops_total")));
        for (Map.Entry<String, JsonNode> relay : status.path("path_mtu").properties()) {
            if (relay.getValue().asLong() != 0) {
                lines.add(Map.entry("path mtu " + relay.getKey().replace('_', ' '), relay.getValue().asText()));
            }
        }
        for (Map.Entry<String, JsonNode> kick : status.path("retransmission_kicks").properties()) {
            if (kick.getValue().asLong() != 0) {
                lines.add(Map.entry("retransmission kicks " + kick.getKey(), kick.getValue().asText()));
            }
        }
        JsonNode udp = status.path("udp");
        if (udp.has("port")) {
            lines.add(Map.entry("udp port", udp.get("port").asLong() == 0 ? "off" : udp.get("port").asText()));
            for (Map.Entry<String, JsonNode> counter : udp.properties()) {
                if (!counter.getKey().equals("port") && counter.getValue().asLong() != 0) {
                    lines.add(Map.entry("udp " + counter.getKey().replace('_', ' '), counter.getValue().asText()));
                }
            }
        }

        int width = lines.stream().mapToInt(line -> line.getKey().length()).max().orElse(0) + 1;
        StringBuilder out = new StringBuilder();
        for (Map.Entry<String, String> line : lines) {
            String key = line.getKey() + ":";
            out.append(key).append(" ".repeat(width - key.length() + 1)).append(line.getValue()).append('\n');
        }
        return out.toString();
    }

    private static String managedAddresses(JsonNode addresses) {
        List<String> parts = new ArrayList<>();
        for (JsonNode address : addresses) {
            parts.add(Fields.text(address, "address") + " (" + Fields.text(address, "interface_name") + ")");
        }
        return parts.isEmpty() ? "none" : String.join(", ", parts);
    }
}
