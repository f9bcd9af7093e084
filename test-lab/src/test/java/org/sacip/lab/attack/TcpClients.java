package org.sacip.lab.attack;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;
import org.sacip.lab.Lab;
import org.sacip.lab.LabException;
import org.sacip.netlink.NetNamespace;
import org.sacip.netlink.NetlinkException;

/**
 * Many TCP connections from a lab host, each from its own chosen local address and port (port 0: any), made by the
 * test's own JVM with sockets created inside the host's namespace, connected without blocking, then kept open and
 * idle. The connections a real agent in that host sees and handshakes for.
 */
final class TcpClients implements AutoCloseable {
    private static final int IN_FLIGHT = 256;

    private final List<SocketChannel> connected;

    private TcpClients(List<SocketChannel> connected) {
        this.connected = connected;
    }

    /** Connects from every address in {@code from} to {@code to}; all must be open within the limit. */
    static TcpClients connect(Lab lab, String host, List<InetSocketAddress> from, InetSocketAddress to,
            long limitMs) {
        return connect(lab, host, from, to, limitMs, new byte[0]);
    }

    /**
     * As {@link #connect(Lab, String, List, InetSocketAddress, long)}, and each connection sends {@code first} once
     * open (to a server that answers only when spoken to, such as an echo service).
     */
    static TcpClients connect(Lab lab, String host, List<InetSocketAddress> from, InetSocketAddress to,
            long limitMs, byte[] first) {
        List<SocketChannel> channels;
        try {
            channels = NetNamespace.named(lab.ns(host)).call(() -> {
                List<SocketChannel> made = new ArrayList<>(from.size());
                for (InetSocketAddress local : from) {
                    SocketChannel channel = SocketChannel.open(ProtocolFamilies.of(to.getAddress()));
                    made.add(channel);
                    channel.configureBlocking(false);
                    channel.bind(local);
                }
                return made;
            });
        } catch (NetlinkException e) {
            throw new LabException("cannot make sockets in " + host + ": " + e.getMessage(), e);
        }
        TcpClients clients = new TcpClients(channels);
        lab.onTeardown(clients);
        try {
            clients.connectAll(to, limitMs);
            for (SocketChannel channel : channels) {
                ByteBuffer data = ByteBuffer.wrap(first);
                while (data.hasRemaining()) {
                    channel.write(data);
                }
            }
        } catch (IOException e) {
            throw new LabException("connections from " + host + " to " + to + " failed: " + e.getMessage(), e);
        }
        return clients;
    }

    private void connectAll(InetSocketAddress to, long limitMs) throws IOException {
        long deadline = System.currentTimeMillis() + limitMs;
        int started = 0;
        int done = 0;
        try (Selector selector = Selector.open()) {
            while (done < connected.size()) {
                while (started < connected.size() && started - done < IN_FLIGHT) {
                    SocketChannel channel = connected.get(started++);
                    if (channel.connect(to)) {
                        done++;
                    } else {
                        channel.register(selector, SelectionKey.OP_CONNECT);
                    }
                }
                if (System.currentTimeMillis() > deadline) {
                    throw new IOException("only " + done + " of " + connected.size() + " connected within "
                            + limitMs + " ms");
                }
                selector.select(100);
                for (SelectionKey key : selector.selectedKeys()) {
                    ((SocketChannel) key.channel()).finishConnect();
                    key.cancel();
                    done++;
                }
                selector.selectedKeys().clear();
            }
        }
    }

    List<SocketChannel> channels() {
        return List.copyOf(connected);
    }

    /** The local port of each connection, in the order asked for. */
    List<Integer> localPorts() {
        List<Integer> ports = new ArrayList<>();
        for (SocketChannel channel : connected) {
            try {
                ports.add(((InetSocketAddress) channel.getLocalAddress()).getPort());
            } catch (IOException e) {
                throw new LabException("a closed client socket: " + e.getMessage(), e);
            }
        }
        return ports;
    }

    @Override
    public void close() {
        for (SocketChannel channel : connected) {
            try {
                channel.close();
            } catch (IOException alreadyBroken) {
                // Closing what a test no longer needs: nothing to report.
            }
        }
    }
}
