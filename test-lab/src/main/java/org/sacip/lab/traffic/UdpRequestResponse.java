package org.sacip.lab.traffic;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.PortUnreachableException;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;

/**
 * UDP request/response: the client sends a 16-byte request (sequence, its complement) every 2 ms from one bound,
 * connected socket that is never reopened; the server echoes each request to wherever it came from. A send that
 * fails (the source address is gone) counts as a send error and the request as lost, since UDP has no connection
 * to reset; an ICMP port unreachable means the peer's socket is gone and is a failure. With
 * {@code unconnected=true} the client's socket is not connected either (sendto and recvfrom, as many resolvers
 * do): the kernel then delivers a reply from any address, and one that is not from the server's counts as corrupted.
 */
public final class UdpRequestResponse extends StreamRole {
    /** A request's and its response's size in octets. */
    public static final int SIZE = 16;

    private final long intervalMicros;
    private final boolean unconnected;
    private DatagramChannel channel;
    private InetSocketAddress serverAddress;
    private volatile SocketAddress lastPeer;

    public UdpRequestResponse(boolean server, EndpointOptions options) {
        super(server, options);
        this.intervalMicros = options.getLong("intervalMicros", 2000);
        this.unconnected = Boolean.parseBoolean(options.values().getOrDefault("unconnected", "false"));
    }

    @Override
    public void listen() throws IOException {
        if (server) {
            channel = DatagramChannel.open();
            channel.bind(options.socket("listen"));
        }
    }

    @Override
    public String establish() throws IOException {
        if (server) {
            startTuple = Tuples.format(channel.getLocalAddress()) + " -> (any client)";
        } else {
            channel = DatagramChannel.open();
            channel.bind(new InetSocketAddress(options.address("bind"), 0));
            serverAddress = options.socket("connect");
            if (!unconnected) {
                channel.connect(serverAddress);
            }
            startTuple = Tuples.of(channel.getLocalAddress(), serverAddress);
        }
        return startTuple;
    }

    @Override
    public void run() {
        if (server) {
            // The server's clock starts with the first request: before that the client was not even running.
            Threads.start("udp-echo", this::echoLoop);
        } else {
            clock.start(System.currentTimeMillis());
            Threads.start("udp-send", this::sendLoop);
            Threads.start("udp-receive", this::receiveLoop);
        }
    }

    private void sendLoop() {
        ByteBuffer request = ByteBuffer.allocate(SIZE);
        Ticker ticker = new Ticker(intervalMicros);
        long seq = 0;
        while (sending && !closing) {
            request.clear();
            request.putLong(seq).putLong(~seq).flip();
            seq++;
            try {
                if (unconnected) {
                    channel.send(request, serverAddress);
                } else {
                    channel.write(request);
                }
                counters.sent.addAndGet(SIZE);
            } catch (PortUnreachableException e) {
                counters.fail("ICMP port unreachable (the server's socket is gone)");
            } catch (IOException e) {
                if (closing) {
                    return;
                }
                counters.sendErrors.incrementAndGet();
            }
            ticker.await();
        }
    }

    private void receiveLoop() {
        ByteBuffer response = ByteBuffer.allocate(SIZE + 1);
        while (!closing) {
            response.clear();
            SocketAddress from = serverAddress;
            try {
                if (unconnected) {
                    from = channel.receive(response);
                } else {
                    channel.read(response);
                }
            } catch (PortUnreachableException e) {
                counters.fail("ICMP port unreachable (the server's socket is gone)");
                continue;
            } catch (IOException e) {
                fail(Failures.describe(e));
                return;
            }
            clock.delivered(System.currentTimeMillis());
            counters.received.addAndGet(response.position());
            if (!wellFormed(response) || !serverAddress.equals(from)) {
                counters.corrupted.addAndGet(response.position());
            }
        }
    }

    private void echoLoop() {
        ByteBuffer datagram = ByteBuffer.allocate(SIZE + 1);
        while (!closing) {
            datagram.clear();
            try {
                SocketAddress from = channel.receive(datagram);
                clock.delivered(System.currentTimeMillis());
                lastPeer = from;
                int length = datagram.position();
                counters.received.addAndGet(length);
                if (!wellFormed(datagram)) {
                    counters.corrupted.addAndGet(length);
                }
                datagram.flip();
                // Echo even after quiesce: requests still in flight must get their answer to not count as lost.
                channel.send(datagram, from);
                counters.sent.addAndGet(length);
            } catch (IOException e) {
                if (!closing) {
                    counters.sendErrors.incrementAndGet();
                }
            }
        }
    }

    private static boolean wellFormed(ByteBuffer datagram) {
        return datagram.position() == SIZE && datagram.getLong(0) == ~datagram.getLong(8);
    }

    @Override
    protected TrafficKind kind() {
        return TrafficKind.UDP;
    }

    @Override
    protected String endTuple() {
        try {
            return server
                    ? Tuples.format(channel.getLocalAddress()) + " -> " + (lastPeer == null ? "(none)" : Tuples.format(lastPeer))
                    : Tuples.of(channel.getLocalAddress(), serverAddress);
        } catch (IOException e) {
            return "(socket closed: " + e.getMessage() + ")";
        }
    }
}
