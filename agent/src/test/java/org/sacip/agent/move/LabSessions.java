package org.sacip.agent.move;

import java.io.Closeable;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.StandardProtocolFamily;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.sacip.agent.session.Endpoint;
import org.sacip.agent.session.SessionProtocol;
import org.sacip.agent.session.SessionTuple;

/**
 * Real TCP connections and UDP sockets from one local address of the host namespace to servers in the peer
 * namespace, remembering each session's tuple by peer so a test can compare a plan with exactly what it opened.
 */
final class LabSessions implements AutoCloseable {
    private final TwoHosts lab;
    private final InetAddress local;
    private final List<Closeable> hostSockets = new ArrayList<>();
    private final List<Closeable> peerSockets = new ArrayList<>();
    private final Map<InetAddress, ServerSocket> servers = new HashMap<>();
    private final Map<InetAddress, DatagramChannel> udpServers = new HashMap<>();
    private final Map<InetAddress, Set<SessionTuple>> expected = new HashMap<>();

    LabSessions(TwoHosts lab, String local) throws IOException {
        this.lab = lab;
        this.local = InetAddress.getByName(local);
    }

    /** A TCP connection from the local address to {@code peer}. */
    void tcp(String peer) throws Exception {
        InetAddress peerAddress = InetAddress.getByName(peer);
        ServerSocket server = server(peerAddress);
        Socket client = lab.hostNamespace().call(() -> {
            Socket socket = new Socket();
            socket.bind(new InetSocketAddress(local, 0));
            return socket;
        });
        hostSockets.add(client);
        client.connect(server.getLocalSocketAddress(), 10_000);
        Socket accepted = server.accept();
        peerSockets.add(accepted);
        // Closing resets, so the socket leaves the kernel at once even when its address is gone.
        client.setSoLinger(true, 0);
        accepted.setSoLinger(true, 0);
        expect(peerAddress, SessionProtocol.TCP, client.getLocalPort(), server.getLocalPort());
    }

    /** A connected UDP socket to {@code peer}, which has sent one datagram. */
    void connectedUdp(String peer) throws Exception {
        InetAddress peerAddress = InetAddress.getByName(peer);
        DatagramChannel server = udpServer(peerAddress);
        DatagramChannel channel = udpChannel();
        channel.connect(server.getLocalAddress());
        channel.write(ByteBuffer.wrap(new byte[] {1}));
        expect(peerAddress, SessionProtocol.UDP, ((InetSocketAddress) channel.getLocalAddress()).getPort(),
                ((InetSocketAddress) server.getLocalAddress()).getPort());
    }

    /** An unconnected UDP socket that sent one datagram to {@code peer}: a flow only conntrack knows. */
    void unconnectedUdp(String peer) throws Exception {
        InetAddress peerAddress = InetAddress.getByName(peer);
        DatagramChannel server = udpServer(peerAddress);
        DatagramChannel channel = udpChannel();
        channel.send(ByteBuffer.wrap(new byte[] {2}), server.getLocalAddress());
        expect(peerAddress, SessionProtocol.UDP, ((InetSocketAddress) channel.getLocalAddress()).getPort(),
                ((InetSocketAddress) server.getLocalAddress()).getPort());
    }

    Map<InetAddress, Set<SessionTuple>> expectedByPeer() {
        return expected;
    }

    private void expect(InetAddress peer, SessionProtocol protocol, int localPort, int remotePort) {
        expected.computeIfAbsent(peer, key -> new HashSet<>()).add(new SessionTuple(protocol,
                new Endpoint(local, localPort), new Endpoint(peer, remotePort)));
    }

    private ServerSocket server(InetAddress peer) throws Exception {
        ServerSocket existing = servers.get(peer);
        if (existing != null) {
            return existing;
        }
        ServerSocket server = lab.peerNamespace().call(() -> new ServerSocket(0, 50, peer));
        peerSockets.add(server);
        servers.put(peer, server);
        return server;
    }

    private DatagramChannel udpServer(InetAddress peer) throws Exception {
        DatagramChannel existing = udpServers.get(peer);
        if (existing != null) {
            return existing;
        }
        DatagramChannel server = lab.peerNamespace().call(() -> DatagramChannel.open(family())
                .bind(new InetSocketAddress(peer, 0)));
        peerSockets.add(server);
        udpServers.put(peer, server);
        return server;
    }

    private DatagramChannel udpChannel() throws Exception {
        DatagramChannel channel = lab.hostNamespace().call(() -> DatagramChannel.open(family())
                .bind(new InetSocketAddress(local, 0)));
        hostSockets.add(channel);
        return channel;
    }

    private StandardProtocolFamily family() {
        return local.getAddress().length == 4 ? StandardProtocolFamily.INET : StandardProtocolFamily.INET6;
    }

    /** Closes every socket the test opened on both hosts (TCP with a reset). */
    @Override
    public void close() throws IOException {
        for (Closeable socket : hostSockets) {
            socket.close();
        }
        for (Closeable socket : peerSockets) {
            socket.close();
        }
    }
}
