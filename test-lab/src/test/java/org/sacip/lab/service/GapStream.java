package org.sacip.lab.service;

import java.util.Map;
import org.sacip.lab.Lab;
import org.sacip.lab.traffic.Endpoint;
import org.sacip.lab.traffic.TrafficKind;

/** One gap stream (a TCP connection with counters both ways) from host a's address to a port of host b. */
final class GapStream {
    private static final long START_LIMIT_MS = 60_000;
    static final String SERVER = "198.18.10.2";

    private GapStream() {
    }

    /** Starts the server on b, connects from {@code bind} on a, and returns the client once connected. */
    static Endpoint open(Lab lab, String bind, int port) {
        Endpoint server = Endpoint.start(lab, "b", TrafficKind.GAP, true, Map.of("listen", SERVER + ":" + port,
                "count", "1"));
        server.await("ready", START_LIMIT_MS);
        Endpoint client = Endpoint.start(lab, "a", TrafficKind.GAP, false, Map.of("bind", bind, "connect",
                SERVER + ":" + port, "count", "1"));
        client.await("connected", START_LIMIT_MS);
        return client;
    }
}
