package org.sacip.tools.cli;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.Map;

/** What one run of sacipctl gets from its process: streams, environment, terminal, reply timeout. */
public record Invocation(PrintWriter out, PrintWriter err, Map<String, String> environment, Terminal terminal,
        Duration replyTimeout) {

    public Invocation {
        environment = Map.copyOf(environment);
    }
}
