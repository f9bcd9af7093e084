package org.sacip.lab.attack;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.sacip.lab.Lab;
import org.sacip.lab.LabException;
import org.sacip.netlink.NetNamespace;
import org.sacip.netlink.NetlinkException;

/**
 * A TCP service in a lab host, run by the test's own JVM (the socket is made inside the host's namespace): it
 * accepts every connection, greets it with a banner of {@value #BANNER_OCTETS} octets (as SSH or SMTP servers
 * do) and then keeps it open, idle, until closed. Enough for sessions an agent must see, where no data needs
 * checking. The banner matters: an agent sends a peer that has not proved it receives fewer SACIP octets than it
 * got from it, and a SYN-ACK alone (60 octets over IPv4) is less than a HELLO (64).
 */
final class TcpSink implements AutoCloseable {
    static final int BANNER_OCTETS = 1024;

    private final ServerSocketChannel listener;
    private final List<SocketChannel> accepted = new CopyOnWriteArrayList<>();
    private final Thread acceptor;

    private TcpSink(ServerSocketChannel listener) {
        this.listener = listener;
        this.acceptor = new Thread(this::acceptAll, "tcp-sink-" + listener);
        this.acceptor.setDaemon(true);
    }

    static TcpSink listen(Lab lab, String host, InetSocketAddress at) {
        try {
            ServerSocketChannel listener = NetNamespace.named(lab.ns(host)).call(() -> {
                ServerSocketChannel channel = ServerSocketChannel.open(ProtocolFamilies.of(at.getAddress()));
                channel.bind(at, 4096);
                return channel;
            });
            TcpSink sink = new TcpSink(listener);
            lab.onTeardown(sink);
            sink.acceptor.start();
            return sink;
        } catch (NetlinkException e) {
            throw new LabException("cannot listen on " + at + " in " + host + ": " + e.getMessage(), e);
        }
    }

    private void acceptAll() {
        try {
            while (true) {
                SocketChannel channel = listener.accept();
                accepted.add(channel);
                ByteBuffer banner = ByteBuffer.allocate(BANNER_OCTETS);
                while (banner.hasRemaining()) {
                    channel.write(banner);
                }
            }
        } catch (IOException closed) {
            // The sink was closed (or a client went away, which ends nothing else here).
        }
    }

    int acceptedCount() {
        return accepted.size();
    }

    @Override
    public void close() {
        try {
            listener.close();
            for (SocketChannel channel : accepted) {
                channel.close();
            }
        } catch (IOException e) {
            throw new LabException("cannot close the TCP sink: " + e.getMessage(), e);
        }
    }
}
