package org.sacip.agent.peer.transport;

import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.LongAdder;
import org.sacip.agent.thread.EventThreads;
import org.sacip.netlink.AddressText;
import org.sacip.netlink.NetlinkException;
import org.sacip.netlink.udp.ReceivedDatagram;
import org.sacip.netlink.udp.UdpSocket;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * SACIP over UDP (docs/PROTOCOL.md section 13): one socket per IP version bound to the agent port on every address,
 * each with a thread that blocks until a datagram comes and hands it to the listener. Datagrams leave from the agent
 * port, from the source address the sender names, with Don't Fragment. A host without IPv6 runs with the IPv4 socket
 * alone. Works in the network namespace of the thread that calls {@link #start}.
 */
public final class UdpPeerTransport implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(UdpPeerTransport.class);
    /** After a failed receive, the thread waits this long before it tries again. */
    private static final Duration ERROR_PAUSE = Duration.ofMillis(500);
    /**
     * Each socket's receive buffer. The port carries the tunnel (docs/DATAPATH.md): a TCP session sends a window's
     * worth of full-size segments at once, both ends do, and they arrive while the receiving thread may wait for the
     * CPU. The kernel's default (208 KiB, some 90 such datagrams by the memory each takes) then drops the rest:
     * seen in the lab as retransmission timeouts of carried TCP and lost datagrams of carried UDP. 4 MiB holds
     * about 1,800 datagrams; memory is taken only while they wait.
     */
    static final int RECEIVE_BUFFER = 4 << 20;

    /** Why a received datagram did not reach the listener. */
    public enum Rejection {
        /** Sent to an address that is not one of ours (a broadcast, or one just removed). */
        NOT_OUR_ADDRESS,
        /** From one of our own addresses: a reflection, or an attacker who wants us to talk to ourselves. */
        FROM_OURSELVES
    }

    private final int port;
    private final LocalAddresses addresses;
    private final AmplificationLedger ledger;
    private final List<UdpSocket> sockets = new ArrayList<>();
    private final List<Thread> threads = new ArrayList<>();
    private final Map<Rejection, LongAdder> rejected = new EnumMap<>(Rejection.class);
    private final LongAdder delivered = new LongAdder();
    private final LongAdder sent = new LongAdder();
    private volatile UdpSocket ipv4;
    private volatile UdpSocket ipv6;
    private volatile boolean running;

    /**
     * @param port      the agent port (1 to 65535)
     * @param addresses datagrams to addresses not in it, or from addresses in it, are dropped
     * @param ledger    counts the octets each source sent us (for anti-amplification)
     */
    public UdpPeerTransport(int port, LocalAddresses addresses, AmplificationLedger ledger) {
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("agent port " + port + " is outside 1..65535");
        }
        this.port = port;
        this.addresses = addresses;
        this.ledger = ledger;
        for (Rejection reason : Rejection.values()) {
            rejected.put(reason, new LongAdder());
        }
    }

    /**
     * Opens the sockets and starts delivering datagrams to {@code listener}, on the receiving threads.
     *
     * @throws PeerTransportException when the IPv4 socket cannot be bound (the port is taken, say)
     */
    public synchronized void start(UdpMessageListener listener) throws PeerTransportException {
        if (running) {
            throw new IllegalStateException("UDP transport already started");
        }
        try {
            ipv4 = UdpSocket.open(4, port, 0);
        } catch (NetlinkException e) {
            throw new PeerTransportException("cannot open the agent's UDP port " + port + ": " + e.getMessage(), e);
        }
        sockets.add(ipv4);
        try {
            ipv6 = UdpSocket.open(6, port, 0);
            sockets.add(ipv6);
        } catch (NetlinkException e) {
            // A kernel without IPv6 (ipv6.disable=1) has no IPv6 sockets at all, and no IPv6 peers either.
            LOG.warn("SACIP over UDP on IPv4 only: no IPv6 socket on port {}: {}", port, e.getMessage());
        }
        for (UdpSocket socket : sockets) {
            try {
                socket.setReceiveBufferSize(RECEIVE_BUFFER);
            } catch (NetlinkException e) {
                // Without it the port works, only bursts beyond the default buffer are lost.
                LOG.warn("the agent's UDP port keeps the kernel's default receive buffer: {}", e.getMessage());
            }
            try {
                // The tunnel follows the path MTU itself (TunnelDataPlane). The kernel's record for a peer's address
                // is lowered by the carried sessions' own segments too: one too large for the tunnel device draws the
                // kernel's "fragmentation needed", recorded for the socket's destination (its portless lookup misses
                // the session's own rule). Where that is the tunnel's outer destination too (the peer's address, or
                // the NAT's that the peer's socket knows), every full-size datagram would then fail to send.
                socket.ignoreRoutePathMtu();
            } catch (NetlinkException e) {
                LOG.warn("the agent's UDP port keeps to the kernel's path MTUs: {}", e.getMessage());
            }
        }
        running = true;
        for (UdpSocket socket : sockets) {
            Thread thread = EventThreads.create(() -> receive(socket, listener),
                    "sacip-udp" + socket.ipVersion());
            thread.setDaemon(true);
            threads.add(thread);
            thread.start();
        }
    }

    public int port() {
        return port;
    }

    /**
     * Sends one datagram from {@code from} (ours) and the agent port to {@code to}:{@code toPort}.
     *
     * @throws PeerTransportException when the kernel refuses it (no socket for the family, a path MTU it exceeds, no
     *                                route)
     */
    public void send(InetAddress from, InetAddress to, int toPort, byte[] payload) throws PeerTransportException {
        UdpSocket socket = socketFor(from);
        try {
            socket.send(payload, to, toPort, from);
            sent.increment();
        } catch (NetlinkException e) {
            throw new PeerTransportException(e.getMessage(), e);
        }
    }

    /**
     * Sends the datagrams laid end to end in {@code data[0, length)} (each {@code segmentSize} octets but the last)
     * from {@code from} to {@code to}:{@code toPort}, in one call where the kernel can (UdpSocket#sendSegments).
     *
     * @return how many were sent, in order
     * @throws PeerTransportException when none was
     */
    public int sendSegments(InetAddress from, InetAddress to, int toPort, byte[] data, int length, int segmentSize)
            throws PeerTransportException {
        UdpSocket socket = socketFor(from);
        try {
            int count = socket.sendSegments(data, length, segmentSize, to, toPort, from);
            sent.add(count);
            return count;
        } catch (NetlinkException e) {
            throw new PeerTransportException(e.getMessage(), e);
        }
    }

    /** The socket of {@code from}'s IP version. */
    private UdpSocket socketFor(InetAddress from) throws PeerTransportException {
        UdpSocket socket = from.getAddress().length == 4 ? ipv4 : ipv6;
        if (!running || socket == null) {
            throw new PeerTransportException("no UDP socket for " + AddressText.of(from));
        }
        return socket;
    }

    private void receive(UdpSocket socket, UdpMessageListener listener) {
        // After a datagram, look without waiting: the listener hears when a burst has been taken.
        boolean delivered = false;
        while (running) {
            try {
                Optional<ReceivedDatagram> datagram = socket.receive(delivered ? Duration.ZERO : null);
                if (datagram.isPresent()) {
                    deliver(datagram.get(), listener);
                    delivered = true;
                } else if (delivered) {
                    delivered = false;
                    listener.queueEmpty();
                }
            } catch (NetlinkException e) {
                if (!running) {
                    return;
                }
                LOG.warn("receiving on the agent's UDP port failed: {}", e.getMessage());
                try {
                    Thread.sleep(ERROR_PAUSE.toMillis());
                } catch (InterruptedException interrupted) {
                    return;
                }
            }
        }
    }

    private void deliver(ReceivedDatagram datagram, UdpMessageListener listener) {
        if (!addresses.holds(datagram.localAddress())) {
            rejected.get(Rejection.NOT_OUR_ADDRESS).increment();
            return;
        }
        if (addresses.holds(datagram.source())) {
            rejected.get(Rejection.FROM_OURSELVES).increment();
            return;
        }
        ledger.received(datagram.source(), (datagram.source().getAddress().length == 4 ? 28 : 48)
                + datagram.length());
        try {
            listener.onDatagram(datagram);
            delivered.increment();
        } catch (RuntimeException e) {
            // One datagram the listener cannot take must not end the reception of every later one.
            LOG.warn("listener failed on {}: {}", datagram, e.toString());
        }
    }

    public long delivered() {
        return delivered.sum();
    }

    public long sent() {
        return sent.sum();
    }

    public Map<Rejection, Long> rejected() {
        Map<Rejection, Long> counts = new EnumMap<>(Rejection.class);
        rejected.forEach((reason, count) -> counts.put(reason, count.sum()));
        return counts;
    }

    /** Stops the receiving threads (each is woken) and closes the sockets. */
    @Override
    public synchronized void close() {
        running = false;
        sockets.forEach(UdpSocket::close);
        for (Thread thread : threads) {
            try {
                thread.join(5_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        sockets.clear();
        threads.clear();
    }
}
