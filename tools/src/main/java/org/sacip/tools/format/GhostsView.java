package org.sacip.tools.format;

import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;

/** sacipctl ghosts: the old addresses kept on lo and how many sessions still hold each. */
public final class GhostsView {
    public static final List<String> HEADERS = List.of("Address", "State", "Sessions");

    private GhostsView() {
    }

    public static String render(Iterable<JsonNode> ghosts) {
        Table table = new Table(HEADERS);
        for (JsonNode g : ghosts) {
            table.add(List.of(Fields.text(g, "address"), Fields.text(g, "state"), Fields.text(g, "sessions")));
        }
        return table.render();
    }
}
