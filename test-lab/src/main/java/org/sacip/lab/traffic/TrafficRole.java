package org.sacip.lab.traffic;

import java.io.IOException;

/** One side of a traffic kind, driven by {@link EndpointMain}: listen, establish once, run, quiesce, report. */
public interface TrafficRole {
    /** Server side: bind and listen, so the client can connect next. A client does nothing here. */
    void listen() throws IOException;

    /** Opens the one connection (or set of connections) of the stream and returns its tuple. */
    String establish() throws IOException;

    /**
     * When a client's {@link #establish} started connecting (after any wait for {@code connectAtMs}), in µs since the
     * epoch; 0 where not known (a server, several connections).
     */
    default long connectStartedMicros() {
        return 0;
    }

    /** Starts sending and receiving on background threads. */
    void run();

    /** The running figures, read while the stream drains. */
    StreamCounters counters();

    /** Stops sending; keeps receiving so what is in flight can still arrive. */
    void quiesce();

    /**
     * Takes the end tuple, closes and returns the figures. A silence still going on is recorded as an open gap up to
     * the quiesce time: after it both sides stop sending on purpose, so later silence means nothing.
     */
    StreamReport report(long quiescedAtMs);
}
