package org.sacip.tools.format;

import com.fasterxml.jackson.databind.JsonNode;

/** What sacipctl flush reports after the agent removed its remapping. */
public final class FlushView {
    private FlushView() {
    }

    public static String render(JsonNode result) {
        return "flushed: removed the remapping of " + Fields.text(result, "sessions") + " session(s) and "
                + Fields.text(result, "ghosts") + " ghost address(es)\n";
    }
}
