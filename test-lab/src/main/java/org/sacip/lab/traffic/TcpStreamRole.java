package org.sacip.lab.traffic;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * A stream over one TCP connection: the server accepts exactly one, the client connects from its bound address. The
 * server then closes its listener, unless {@code keepListening=true}: an MPTCP peer's new subflows (MP_JOIN SYNs) are
 * taken by the listening socket, and get a reset when there is none.
 */
abstract class TcpStreamRole extends StreamRole {
    private ServerSocket listener;
    protected Socket socket;
    /** The client's connect() started (µs since the epoch): the SYN leaves then. */
    private volatile long connectStartedMicros;

    protected TcpStreamRole(boolean server, EndpointOptions options) {
        super(server, options);
    }

    @Override
    public void listen() throws IOException {
        if (server) {
            listener = TcpConnect.listen(options);
        }
    }

    @Override
    public String establish() throws IOException {
        if (server) {
            socket = listener.accept();
            if (!Boolean.parseBoolean(options.values().getOrDefault("keepListening", "false"))) {
                listener.close();
            }
        } else {
            // Bound before the due time, so the time taken is that of the SYN: a JVM's first socket loads and
            // initialises its classes (15 ms on a quiet machine here), which "from connect()" must not count.
            Socket bound = TcpConnect.bound(options);
            TcpConnect.waitUntilDue(options);
            connectStartedMicros = ChronoUnit.MICROS.between(Instant.EPOCH, Instant.now());
            socket = TcpConnect.connect(bound, options);
        }
        socket.setTcpNoDelay(true);
        startTuple = Tuples.of(socket.getLocalSocketAddress(), socket.getRemoteSocketAddress());
        return startTuple;
    }

    @Override
    public long connectStartedMicros() {
        return connectStartedMicros;
    }

    @Override
    protected String endTuple() {
        return Tuples.of(socket.getLocalSocketAddress(), socket.getRemoteSocketAddress());
    }
}
