package org.sacip.agent.datapath;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Predicate;
import org.sacip.agent.session.Endpoint;
import org.sacip.agent.session.SessionProtocol;
import org.sacip.agent.session.SessionTuple;
import org.sacip.netlink.testing.TestNamespace;

/** Real sockets between test namespaces, and a look at the TCP segments a namespace receives. */
final class Connections {
    private Connections() {
    }

    /** One TCP connection: {@code client} in the connecting namespace, {@code accepted} in the listening one. */
    record Tcp(Socket client, Socket accepted) {
        /** The session as the client's socket sees it. */
        SessionTuple atClient() {
            return new SessionTuple(SessionProtocol.TCP, new Endpoint(client.getLocalAddress(), client.getLocalPort()),
                    new Endpoint(client.getInetAddress(), client.getPort()));
        }

        /** The session as the accepted socket sees it. */
        SessionTuple atServer() {
            return new SessionTuple(SessionProtocol.TCP,
                    new Endpoint(accepted.getLocalAddress(), accepted.getLocalPort()),
                    new Endpoint(accepted.getInetAddress(), accepted.getPort()));
        }
    }

    /** Connects from {@code clientAddress} (port {@code clientPort}, 0: any) in one namespace to a listener. */
    static Tcp tcp(TestNamespace serverSide, InetAddress serverAddress, int port, TestNamespace clientSide,
            InetAddress clientAddress, int clientPort) throws Exception {
        try (ServerSocket server = serverSide.netNamespace().call(() -> {
            ServerSocket listening = new ServerSocket();
            listening.bind(new InetSocketAddress(serverAddress, port));
            return listening;
        })) {
            Socket client = clientSide.netNamespace().call(() -> {
                Socket socket = new Socket();
                socket.bind(new InetSocketAddress(clientAddress, clientPort));
                socket.connect(new InetSocketAddress(serverAddress, port), 5000);
                return socket;
            });
            server.setSoTimeout((int) KernelState.TIMEOUT.toMillis());
            return new Tcp(client, server.accept());
        }
    }

    /** A non-blocking UDP socket in the namespace, bound to the address and port, connected if {@code peer}. */
    static DatagramChannel udp(TestNamespace namespace, InetAddress address, int port, SocketAddress peer)
            throws Exception {
        return namespace.netNamespace().call(() -> {
            DatagramChannel channel = DatagramChannel.open();
            channel.bind(new InetSocketAddress(address, port));
            if (peer != null) {
                channel.connect(peer);
            }
            channel.configureBlocking(false);
            return channel;
        });
    }

    static void send(DatagramChannel channel, String text, SocketAddress to) throws IOException {
        channel.send(ByteBuffer.wrap(text.getBytes(StandardCharsets.US_ASCII)), to);
    }

    /** The next datagram already queued on the socket, without waiting. */
    static Optional<String> queued(DatagramChannel channel) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(2048);
        if (channel.receive(buffer) == null) {
            return Optional.empty();
        }
        buffer.flip();
        return Optional.of(StandardCharsets.US_ASCII.decode(buffer).toString());
    }

    /** Waits for the next datagram on the socket. */
    static String await(DatagramChannel channel, String what) throws Exception {
        long deadline = System.nanoTime() + KernelState.TIMEOUT.toNanos();
        while (true) {
            Optional<String> datagram = queued(channel);
            if (datagram.isPresent()) {
                return datagram.get();
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("no datagram within " + KernelState.TIMEOUT.toSeconds() + " s: " + what);
            }
            Thread.sleep(10);
        }
    }

    /** The next TCP segment the raw socket receives that matches, within the test timeout. */
    static Packets.TcpSegment sniff(RawSocket tcpReceiver, boolean ipv6, Predicate<Packets.TcpSegment> wanted,
            String what) {
        long deadline = System.nanoTime() + KernelState.TIMEOUT.toNanos();
        while (true) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new AssertionError("no TCP segment within " + KernelState.TIMEOUT.toSeconds() + " s: " + what);
            }
            Optional<byte[]> packet = tcpReceiver.receive(Duration.ofNanos(left));
            if (packet.isPresent()) {
                Packets.TcpSegment segment = Packets.TcpSegment.parse(Packets.transportOf(packet.get(), ipv6));
                if (wanted.test(segment)) {
                    return segment;
                }
            }
        }
    }
}
