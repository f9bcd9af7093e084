package org.sacip.lab.attack;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.sacip.lab.Lab;
import org.sacip.lab.scenario.StreamFigures;
import org.sacip.lab.traffic.Endpoint;
import org.sacip.lab.traffic.StreamDrain;
import org.sacip.lab.traffic.StreamReport;
import org.sacip.lab.traffic.TrafficKind;
import org.sacip.lab.traffic.Tuples;
import org.sacip.testing.Eventually;

/**
 * One verified gap stream (8-byte counters every 2 ms both ways on one TCP connection, checked in order) from a
 * client host's address to a server host's port, opened once and never reopened; or another verified traffic kind
 * (bulk, UDP request/response) the same way. {@link #finish} stops both sides, waits until what was sent has arrived
 * (or nothing moves any more) and returns the figures: a connection that was reset, stalled, lost or got foreign
 * bytes shows it there.
 */
public final class VerifiedStream {
    private static final long START_LIMIT_MS = 60_000;
    private static final long REPORT_LIMIT_MS = 30_000;

    private final Endpoint client;
    private final Endpoint server;
    private final String clientTuple;
    private final long connectedAtMs;
    private StreamReport clientReport;
    private StreamReport serverReport;

    private VerifiedStream(Endpoint client, Endpoint server, String clientTuple, long connectedAtMs) {
        this.client = client;
        this.server = server;
        this.clientTuple = clientTuple;
        this.connectedAtMs = connectedAtMs;
    }

    public static VerifiedStream open(Lab lab, String clientHost, InetAddress bind, String serverHost,
            InetSocketAddress listen) {
        return open(lab, TrafficKind.GAP, Map.of(), clientHost, new InetSocketAddress(bind, 0), serverHost, listen);
    }

    /**
     * As {@link #open(Lab, String, InetAddress, String, InetSocketAddress)} from a chosen local port ({@code 0}: the
     * kernel's choice). The server accepts one connection and closes its listener, so another stream may open to
     * the same port afterwards.
     */
    public static VerifiedStream open(Lab lab, String clientHost, InetSocketAddress bind, String serverHost,
            InetSocketAddress listen) {
        return open(lab, TrafficKind.GAP, Map.of(), clientHost, bind, serverHost, listen);
    }

    /** A stream of {@code kind} whose two ends both get {@code options} (a rate, an interval) besides their own. */
    public static VerifiedStream open(Lab lab, TrafficKind kind, Map<String, String> options, String clientHost,
            InetAddress bind, String serverHost, InetSocketAddress listen) {
        return open(lab, kind, options, clientHost, new InetSocketAddress(bind, 0), serverHost, listen);
    }

    /** As above from a chosen local port ({@code 0}: the kernel's choice). */
    public static VerifiedStream open(Lab lab, TrafficKind kind, Map<String, String> options, String clientHost,
            InetSocketAddress bind, String serverHost, InetSocketAddress listen) {
        Map<String, String> serverOptions = new HashMap<>(options);
        serverOptions.putAll(Map.of("listen", Tuples.format(listen), "count", "1"));
        Endpoint server = Endpoint.start(lab, serverHost, kind, true, serverOptions);
        server.await("ready", START_LIMIT_MS);
        Map<String, String> clientOptions = new HashMap<>(options);
        clientOptions.putAll(Map.of("bind", bind.getAddress().getHostAddress(), "bindPort",
                Integer.toString(bind.getPort()), "connect", Tuples.format(listen), "count", "1"));
        Endpoint client = Endpoint.start(lab, clientHost, kind, false, clientOptions);
        JsonNode connected = client.await("connected", START_LIMIT_MS);
        server.await("connected", START_LIMIT_MS);
        return new VerifiedStream(client, server, connected.path("tuple").asText(),
                connected.path("atMs").asLong());
    }

    /** When the client's handshake was done (epoch ms, the client's clock: the lab's hosts share the machine's). */
    public long connectedAtMs() {
        return connectedAtMs;
    }

    /** "local -> remote" as the client saw it at the start. */
    public String clientTuple() {
        return clientTuple;
    }

    /** The client's local port: with the server's address and port, the tuple an agent lists. */
    public int clientPort() {
        String local = clientTuple.split(" -> ")[0];
        return Integer.parseInt(local.substring(local.lastIndexOf(':') + 1));
    }

    /** The server's port. */
    public int serverPort() {
        String remote = clientTuple.split(" -> ")[1];
        return Integer.parseInt(remote.substring(remote.lastIndexOf(':') + 1));
    }

    /**
     * Waits until both ends have received more since this call, or until {@code limit} passed. A connection that moved
     * while its peer's agent was under load sits in TCP's backed-off retransmission timer for a while; judging it the
     * moment the flood ends would call that wait a stall. A connection that never flows again is still one: the
     * verdict of {@link #finish} says so.
     */
    public boolean awaitFlowing(Duration limit) {
        long clientBefore = client.counts(REPORT_LIMIT_MS)[1];
        long serverBefore = server.counts(REPORT_LIMIT_MS)[1];
        return Eventually.within(limit, () -> client.counts(REPORT_LIMIT_MS)[1] > clientBefore
                && server.counts(REPORT_LIMIT_MS)[1] > serverBefore);
    }

    /** Stops both sides, drains, and returns the two reports' figures. */
    public StreamFigures finish() {
        client.send("quiesce");
        server.send("quiesce");
        client.await("quiesced", REPORT_LIMIT_MS);
        server.await("quiesced", REPORT_LIMIT_MS);
        StreamDrain.drain(client, server);
        clientReport = client.report(REPORT_LIMIT_MS);
        serverReport = server.report(REPORT_LIMIT_MS);
        return new StreamFigures(clientReport, serverReport);
    }

    /** After {@link #finish}: octets the server's socket received beyond what the client sent (foreign ones). */
    long extraOctetsAtServer() {
        if (serverReport == null) {
            throw new IllegalStateException("the stream is not finished");
        }
        return Math.max(0, serverReport.bytesReceived() - clientReport.bytesSent());
    }
}
