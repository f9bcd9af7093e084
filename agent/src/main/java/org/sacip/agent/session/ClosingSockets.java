package org.sacip.agent.session;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.sacip.agent.thread.EventThreads;
import org.sacip.netlink.NetNamespace;
import org.sacip.netlink.NetlinkException;
import org.sacip.netlink.NetlinkOverrunException;
import org.sacip.netlink.diag.SocketDestroyWatcher;
import org.sacip.netlink.diag.SocketInfo;
import org.sacip.netlink.diag.TransportProtocol;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The TCP and UDP sockets that close, from the kernel's destroy notifications. Watched only while the tracker holds
 * sessions that conntrack forgot but whose socket lives: each closing socket of the host wakes the watcher, which on
 * a server closing thousands of connections a second is work an agent without such sessions should not do.
 * {@link #watch()} and {@link #stop()} are called on the tracker thread; a reader thread of its own per watch
 * reports what closed.
 */
final class ClosingSockets implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ClosingSockets.class);
    private static final Duration ERROR_PAUSE = Duration.ofMillis(500);

    /** Called on the reader thread. */
    interface Listener {
        void closed(List<SessionTuple> sockets);

        /** Notifications were lost (the socket overran): the caller re-dumps. */
        void lost();
    }

    private final NetNamespace namespace;
    private final Listener listener;
    private volatile SocketDestroyWatcher current;
    private volatile Thread reader;

    ClosingSockets(NetNamespace namespace, Listener listener) {
        this.namespace = namespace;
        this.listener = listener;
    }

    /**
     * Starts watching, if not already: a socket that closes after this returns is reported. So a caller that
     * checks a socket lives after calling it cannot miss its close.
     */
    void watch() throws NetlinkException {
        if (current != null) {
            return;
        }
        SocketDestroyWatcher watcher = namespace == null ? SocketDestroyWatcher.open()
                : SocketDestroyWatcher.open(namespace);
        current = watcher;
        reader = EventThreads.create(() -> read(watcher), "sacip-sessions-closing");
        reader.setDaemon(true);
        reader.start();
    }

    boolean watching() {
        return current != null;
    }

    /** Stops watching; its reader ends and closes its socket. */
    void stop() {
        SocketDestroyWatcher watcher = current;
        current = null;
        if (watcher != null) {
            watcher.wakeup();
        }
    }

    private void read(SocketDestroyWatcher watcher) {
        try {
            while (current == watcher) {
                try {
                    List<SocketInfo> closed = watcher.take();
                    if (!closed.isEmpty() && current == watcher) {
                        listener.closed(tuples(closed));
                    }
                } catch (NetlinkOverrunException e) {
                    listener.lost();
                } catch (NetlinkException e) {
                    if (current == watcher) {
                        LOG.warn("reading closed sockets failed: {}", e.getMessage());
                        Thread.sleep(ERROR_PAUSE.toMillis());
                    }
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            watcher.close();
        }
    }

    private static List<SessionTuple> tuples(List<SocketInfo> sockets) {
        List<SessionTuple> tuples = new ArrayList<>(sockets.size());
        for (SocketInfo socket : sockets) {
            SessionTuple tuple = connectedTuple(socket);
            if (tuple != null) {
                tuples.add(tuple);
            }
        }
        return tuples;
    }

    /**
     * The tuple of a connected TCP or UDP socket, from its side; null for one never connected (or a dual-stack
     * socket's unmapped wildcard beside a mapped peer).
     */
    static SessionTuple connectedTuple(SocketInfo socket) {
        InetSocketAddress local = socket.local();
        InetSocketAddress remote = socket.remote();
        if (remote.getPort() == 0
                || local.getAddress().getAddress().length != remote.getAddress().getAddress().length) {
            return null;
        }
        SessionProtocol protocol = socket.protocol() == TransportProtocol.TCP ? SessionProtocol.TCP
                : SessionProtocol.UDP;
        return new SessionTuple(protocol, new Endpoint(local.getAddress(), local.getPort()),
                new Endpoint(remote.getAddress(), remote.getPort()));
    }

    @Override
    public void close() {
        Thread running = reader;
        stop();
        if (running != null) {
            try {
                running.join(Duration.ofSeconds(2).toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
