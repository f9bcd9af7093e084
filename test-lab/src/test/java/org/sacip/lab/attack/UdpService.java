package org.sacip.lab.attack;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.util.concurrent.atomic.AtomicLong;
import org.sacip.lab.Lab;
import org.sacip.lab.LabException;
import org.sacip.netlink.NetNamespace;
import org.sacip.netlink.NetlinkException;

/**
 * A UDP service in a lab host, run by the test's JVM on a socket made in the host's namespace: one that answers
 * every datagram (echo, like DNS or NTP would answer a spoofed query) or one that never answers. Counts what it got.
 */
final class UdpService implements AutoCloseable {
    private final DatagramChannel channel;
    private final boolean echo;
    private final AtomicLong received = new AtomicLong();
    private final Thread thread;

    private UdpService(DatagramChannel channel, boolean echo) {
        this.channel = channel;
        this.echo = echo;
        this.thread = new Thread(this::serve, "udp-" + (echo ? "echo" : "silent"));
        this.thread.setDaemon(true);
    }

    static UdpService echo(Lab lab, String host, InetSocketAddress at) {
        return start(lab, host, at, true);
    }

    static UdpService silent(Lab lab, String host, InetSocketAddress at) {
        return start(lab, host, at, false);
    }

    private static UdpService start(Lab lab, String host, InetSocketAddress at, boolean echo) {
        try {
            DatagramChannel channel = NetNamespace.named(lab.ns(host)).call(() -> {
                DatagramChannel made = DatagramChannel.open(ProtocolFamilies.of(at.getAddress()));
                made.bind(at);
                return made;
            });
            UdpService service = new UdpService(channel, echo);
            lab.onTeardown(service);
            service.thread.start();
            return service;
        } catch (NetlinkException e) {
            throw new LabException("cannot bind UDP " + at + " in " + host + ": " + e.getMessage(), e);
        }
    }

    private void serve() {
        ByteBuffer buffer = ByteBuffer.allocate(65536);
        try {
            while (true) {
                buffer.clear();
                SocketAddress from = channel.receive(buffer);
                received.incrementAndGet();
                if (echo) {
                    buffer.flip();
                    channel.send(buffer, from);
                }
            }
        } catch (IOException closed) {
            // The service was closed.
        }
    }

    /** Datagrams that reached the service's socket. */
    long received() {
        return received.get();
    }

    @Override
    public void close() {
        try {
            channel.close();
        } catch (IOException e) {
            throw new LabException("cannot close the UDP service: " + e.getMessage(), e);
        }
    }
}
