package org.sacip.lab.traffic;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;

/** Opening the single TCP connection of a stream: the client binds its source address so the tuple is known. */
public final class TcpConnect {
    private static final int CONNECT_TIMEOUT_MS = 10_000;

    private TcpConnect() {
    }

    /** Connects; with {@code connectAtMs=EPOCH_MS} not before then (a benchmark opens a stream at a set age). */
    public static Socket connect(EndpointOptions options) throws IOException {
        waitUntilDue(options);
        return connectNow(options);
    }

    /** Returns at {@code connectAtMs} (at once without it). */
    public static void waitUntilDue(EndpointOptions options) throws IOException {
        long wait = options.getLong("connectAtMs", 0) - System.currentTimeMillis();
        if (wait > 0) {
            try {
                Thread.sleep(wait);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while waiting to connect", e);
            }
        }
    }

    /** Connects now. */
    public static Socket connectNow(EndpointOptions options) throws IOException {
        return connect(bound(options), options);
    }

    /**
     * A socket bound to the {@code bind} address, not connected yet; to port {@code bindPort} if given (two hosts
     * behind one NAT using the same local port), else to one the kernel picks.
     */
    public static Socket bound(EndpointOptions options) throws IOException {
        Socket socket = new Socket();
        socket.bind(new InetSocketAddress(options.address("bind"), (int) options.getLong("bindPort", 0)));
        return socket;
    }

    /** Connects a socket from {@link #bound}; closes it when that fails. */
    public static Socket connect(Socket socket, EndpointOptions options) throws IOException {
        try {
            socket.connect(options.socket("connect"), CONNECT_TIMEOUT_MS);
            return socket;
        } catch (IOException | RuntimeException e) {
            socket.close();
            throw e;
        }
    }

    public static ServerSocket listen(EndpointOptions options) throws IOException {
        ServerSocket server = new ServerSocket();
        server.setReuseAddress(true);
        server.bind(options.socket("listen"), 4096);
        return server;
    }
}
