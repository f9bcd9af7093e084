package org.sacip.tools.format;

import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;

/** sacipctl sessions: one row per remapped session; an empty list prints the header alone. */
public final class SessionsView {
    public static final List<String> HEADERS = List.of("Proto", "State", "Local", "Remote", "Active-Local",
            "Active-Remote", "Path", "NAT", "Since", "Peer", "Binding");

    private SessionsView() {
    }

    public static String render(Iterable<JsonNode> sessions) {
        Table table = new Table(HEADERS);
        for (JsonNode s : sessions) {
            table.add(List.of(Fields.text(s, "proto"), Fields.text(s, "state"), Fields.text(s, "local"),
                    Fields.text(s, "remote"), Fields.text(s, "active_local"), Fields.text(s, "active_remote"),
                    Fields.text(s, "path"), nat(s), Fields.text(s, "since"), Fields.text(s, "peer"),
                    Fields.text(s, "binding")));
        }
        return table.render();
    }

    /** What a NAT translates: our public endpoint, or the translated peer's own one; "-" when nothing. */
    private static String nat(JsonNode session) {
        JsonNode ours = session.get("our_public");
        if (ours != null && ours.isTextual()) {
            return "public " + ours.asText();
        }
        JsonNode peers = session.get("peer_own");
        if (peers != null && peers.isTextual()) {
            return "peer " + peers.asText();
        }
        return "-";
    }
}
