package org.sacip.lab.traffic;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** The verified traffic patterns (issue 4, item 2). */
public enum TrafficKind {
    /** 8-byte counters every 2 ms both ways on one TCP connection: the handover gap. */
    GAP("gap"),
    /** Bulk A->B with per-byte check and running hash: integrity under load. */
    BULK("bulk"),
    /** UDP request/response every 2 ms. */
    UDP("udp"),
    /** Many TCP connections at once, each with slow counters. */
    MANY("many");

    private final String cliName;

    TrafficKind(String cliName) {
        this.cliName = cliName;
    }

    public String cliName() {
        return cliName;
    }

    public TrafficRole create(boolean server, EndpointOptions options) {
        return switch (this) {
            case GAP -> new CounterStream(server, options);
            case BULK -> new BulkStream(server, options);
            case UDP -> new UdpRequestResponse(server, options);
            case MANY -> new ManyConnections(server, options);
        };
    }

    public static TrafficKind parse(String name) {
        for (TrafficKind kind : values()) {
            if (kind.cliName.equals(name.toLowerCase(Locale.ROOT))) {
                return kind;
            }
        }
        throw new IllegalArgumentException("unknown traffic kind '" + name + "' (choose one of: "
                + Arrays.stream(values()).map(TrafficKind::cliName).collect(Collectors.joining(", ")) + ")");
    }
}
