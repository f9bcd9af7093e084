package org.sacip.tools.format;

import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * sacipctl peers: what we know of each peer, "-" for a key age, last-seen time or RTT not known yet. Path is "icmp",
 * or "udp/" and the peer's endpoint as observed; NAT which end a NAT translates ("-" for none).
 */
public final class PeersView {
    public static final List<String> HEADERS = List.of("Peer", "Local", "Current", "Local-Current", "Capability",
            "Key-Id", "Key-Age", "Sessions", "Seq-Sent", "Seq-Recv", "Last-Seen", "RTT", "Path", "NAT");

    private PeersView() {
    }

    public static String render(Iterable<JsonNode> peers) {
        Table table = new Table(HEADERS);
        for (JsonNode p : peers) {
            table.add(List.of(Fields.text(p, "address"), Fields.text(p, "local"), Fields.text(p, "current"),
                    Fields.text(p, "local_current"), Fields.text(p, "capability"), Fields.text(p, "key_id"),
                    Fields.seconds(p, "key_age_seconds"), Fields.text(p, "sessions"),
                    Fields.text(p, "last_sequence_sent"),
                    Fields.text(p, "last_sequence_received"), Fields.text(p, "last_seen"), Fields.millis(p, "rtt_ms"),
                    path(p), "none".equals(p.path("nat").asText("none")) ? "-" : Fields.text(p, "nat")));
        }
        return table.render();
    }

    /** "icmp", or "udp/" and the endpoint; an agent from before the field existed: "-". */
    private static String path(JsonNode p) {
        String path = p.path("path").asText("");
        if (path.isEmpty()) {
            return "-";
        }
        return p.hasNonNull("peer_endpoint") ? path + "/" + p.get("peer_endpoint").asText() : path;
    }
}
