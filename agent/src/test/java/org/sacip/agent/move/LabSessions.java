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
import org.sacip.agent.session.SessionKey;
import org.sacip.netlink.diag.TransportProtocol;

/**
 * Real TCP connections and UDP sockets from one local address of the host namespace to servers in the peer
 * namespace, remembering each session's key by peer so a test can compare a plan with exactly what it opened.
 */
final class LabSessions implements AutoCloseable {
    private final TwoHosts lab;
    private final InetAddress local;
    private final List<Closeable> hostSockets = new ArrayList<>();
    private final List<Closeable> peerSockets = new ArrayList<>();
    private final Map<InetAddress, ServerSocket> servers = new HashMap<>();
    private final Map<InetAddress, DatagramChannel> udpServers = new HashMap<>();
    private final Map<InetAddress, Set<SessionKey>> expected = new HashMap<>();
    private final Map<DatagramChannel, java.net.SocketAddress> unconnected = new HashMap<>();

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
        expect(peerAddress, TransportProtocol.TCP, client.getLocalPort(), server.getLocalPort());
    }

    /** A connected UDP socket to {@code peer}, which has sent one datagram. */
    void connectedUdp(String peer) throws Exception {
        InetAddress peerAddress = InetAddress.getByName(peer);
        DatagramChannel server = udpServer(peerAddress);
        DatagramChannel channel = udpChannel();
        channel.connect(server.getLocalAddress());
        channel.write(ByteBuffer.wrap(new byte[] {1}));
        expect(peerAddress, TransportProtocol.UDP, ((InetSocketAddress) channel.getLocalAddress()).getPort(),
                ((InetSocketAddress) server.getLocalAddress()).getPort());
    }

    /** An unconnected UDP socket that sent one datagram to {@code peer}: a flow only conntrack knows. */
    void unconnectedUdp(String peer) throws Exception {
        InetAddress peerAddress = InetAddress.getByName(peer);
        DatagramChannel server = udpServer(peerAddress);
        DatagramChannel channel = udpChannel();
        unconnected.put(channel, server.getLocalAddress());
        channel.send(ByteBuffer.wrap(new byte[] {2}), server.getLocalAddress());
        expect(peerAddress, TransportProtocol.UDP, ((InetSocketAddress) channel.getLocalAddress()).getPort(),
                ((InetSocketAddress) server.getLocalAddress()).getPort());
    }

    /** Sends one more datagram on each unconnected socket, so its flow is not idle. */
    void touchFlows() throws IOException {
        for (Map.Entry<DatagramChannel, java.net.SocketAddress> entry : unconnected.entrySet()) {
            entry.getKey().send(ByteBuffer.wrap(new byte[] {3}), entry.getValue());
        }
    }

    Map<InetAddress, Set<SessionKey>> expectedByPeer() {
        return expected;
    }

    /** Closes every socket the test opened on both hosts (TCP with a reset). */
    void closeAll() throws IOException {
        for (Closeable socket : hostSockets) {
            socket.close();
        }
        for (Closeable socket : peerSockets) {
            socket.close();
        }
    }

    private void expect(InetAddress peer, TransportProtocol protocol, int localPort, int remotePort) {
        expected.computeIfAbsent(peer, key -> new HashSet<>()).add(new SessionKey(protocol,
                new InetSocketAddress(local, localPort), new InetSocketAddress(peer, remotePort)));
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

    @Override
    public void close() throws IOException {
        closeAll();
    }
}
