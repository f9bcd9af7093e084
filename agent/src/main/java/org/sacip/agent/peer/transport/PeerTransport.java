package org.sacip.agent.peer.transport;

import org.sacip.agent.thread.EventThreads;
import org.sacip.netlink.AddressText;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.sacip.netlink.NetlinkException;
import org.sacip.netlink.NetlinkOverrunException;
import org.sacip.netlink.route.LinkEvent;
import org.sacip.netlink.route.LinkInfo;
import org.sacip.netlink.route.RtnetlinkClient;
import org.sacip.netlink.route.RtnetlinkEvent;
import org.sacip.netlink.route.RtnetlinkEvents;
import org.sacip.netlink.route.RtnetlinkGroup;
import org.sacip.protocol.codec.SacipEncoder;
import org.sacip.protocol.message.SacipAddress;
import org.sacip.protocol.message.SacipMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends and captures SACIP ICMP messages (ICMPv4 type 253, ICMPv6 type 200) with pcap, below the kernel's IP stack:
 * frames are built from a route and neighbour lookup and injected on the output interface; every selected interface
 * is captured in immediate mode through a BPF filter, inbound frames only.
 * <p>
 * The transport works in the network namespace of the thread that calls {@link #start}: its netlink socket, pcap
 * handles and threads are all made from that thread or threads it starts. A captured message reaches the listener on
 * the capture thread that read it, with no queue or thread between: each hand-off between threads costs a wake-up,
 * and on a loaded host a wake-up can wait milliseconds for a core, once per handshake message. The listener therefore
 * must not block (see {@link PeerMessageListener}). No thread polls: the captures block until a frame comes and the
 * link thread until an rtnetlink event (or a {@link #refreshInterfaces} request) comes.
 */
public final class PeerTransport implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(PeerTransport.class);
    /** After a failed read of link events, the link thread waits this long before it tries again. */
    private static final Duration ERROR_PAUSE = Duration.ofMillis(500);

    private final TransportSettings settings;
    private final Map<Integer, InterfaceCapture> captures = new ConcurrentHashMap<>();
    private final Map<FrameRejection, LongAdder> rejected = new EnumMap<>(FrameRejection.class);
    private final LongAdder delivered = new LongAdder();
    private final LongAdder sent = new LongAdder();
    /** Link, address, route and rule changes seen (and losses of such events): a next hop asked before is stale. */
    private final AtomicLong routingChanges = new AtomicLong();
    private final Object interfaceLock = new Object();
    private final Object refreshSignal = new Object();
    private long refreshesRequested;
    private long refreshesDone;
    private volatile RtnetlinkClient client;
    private RtnetlinkEvents linkEvents;
    private NextHopResolver resolver;
    private volatile PeerMessageListener listener;
    private Thread linkThread;
    private volatile boolean running;

    private final LocalAddresses addresses;
    private final AmplificationLedger ledger;

    /**
     * @param addresses messages captured for addresses not in it are dropped
     * @param ledger    counts the SACIP octets each source sent us (for anti-amplification)
     */
    public PeerTransport(TransportSettings settings, LocalAddresses addresses, AmplificationLedger ledger) {
        this.settings = settings;
        this.addresses = addresses;
        this.ledger = ledger;
        for (FrameRejection reason : FrameRejection.values()) {
            rejected.put(reason, new LongAdder());
        }
    }

    /**
     * Opens capture on every selected interface and starts delivering messages to {@code listener}, on the capture
     * threads.
     *
     * @throws PcapUnavailableException when libpcap is missing
     * @throws PeerTransportException   when the kernel cannot be asked for interfaces
     */
    public synchronized void start(PeerMessageListener listener) throws PeerTransportException {
        if (running || client != null) {
            throw new IllegalStateException("transport already started");
        }
        PcapLibrary.ensureConfigured();
        try {
            client = RtnetlinkClient.open();
            // Subscribed before the first reading of the list, so no link change falls between.
            // Addresses, routes and rules only count as routing changes (NextHopResolver); links also refresh
            // the captures.
            linkEvents = RtnetlinkEvents.open(EnumSet.of(RtnetlinkGroup.LINK, RtnetlinkGroup.IPV4_ADDRESS,
                    RtnetlinkGroup.IPV6_ADDRESS, RtnetlinkGroup.IPV4_ROUTE, RtnetlinkGroup.IPV6_ROUTE,
                    RtnetlinkGroup.IPV4_RULE, RtnetlinkGroup.IPV6_RULE));
        } catch (NetlinkException e) {
            if (client != null) {
                client.close();
                client = null;
            }
            throw new PeerTransportException("cannot open rtnetlink: " + e.getMessage(), e);
        }
        resolver = new NextHopResolver(client, routingChanges::get);
        this.listener = listener;
        running = true;
        try {
            reconcileInterfaces();
        } catch (PeerTransportException e) {
            close();
            throw e;
        }
        linkThread = EventThreads.create(this::followLinks, "sacip-transport-links");
        linkThread.setDaemon(true);
        linkThread.start();
    }

    /**
     * Re-reads the interface list now and waits until that is done: opens capture on selected interfaces that
     * appeared or came up, closes it on those that went away or down. The transport does so by itself on every link
     * event; the work runs on the transport's own thread, which lives in the transport's namespace.
     */
    public void refreshInterfaces() throws PeerTransportException {
        long target;
        synchronized (refreshSignal) {
            if (!running) {
                return;
            }
            target = refreshesRequested + 1;
            refreshesRequested = target;
            refreshSignal.notifyAll();
            // The link thread may be waiting for link events.
            linkEvents.wakeup();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (refreshesDone < target && running) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new PeerTransportException("interface refresh did not finish within 10 s");
                }
                try {
                    TimeUnit.NANOSECONDS.timedWait(refreshSignal, left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new PeerTransportException("interrupted while refreshing interfaces", e);
                }
            }
        }
    }

    /** Brings the set of captures in line with the kernel's interfaces; only on the start or link thread. */
    private void reconcileInterfaces() throws PeerTransportException {
        synchronized (interfaceLock) {
            if (!running) {
                return;
            }
            List<LinkInfo> links;
            try {
                synchronized (client) {
                    links = client.links();
                }
            } catch (NetlinkException e) {
                throw new PeerTransportException("cannot list interfaces: " + e.getMessage(), e);
            }
            Set<Integer> wanted = new HashSet<>();
            for (LinkInfo link : links) {
                if (!settings.interfaces().selects(link)) {
                    continue;
                }
                wanted.add(link.index());
                InterfaceCapture existing = captures.get(link.index());
                if (existing != null && existing.isRunning() && existing.interfaceName().equals(link.name())) {
                    continue;
                }
                if (existing != null) {
                    // Closed as it is: a capture that ended may have taken itself out meanwhile (Sink.ended).
                    captures.remove(link.index(), existing);
                    existing.close();
                }
                try {
                    captures.put(link.index(), InterfaceCapture.open(link.index(), link.name(),
                            link.hardwareAddress(), new Sink()));
                    LOG.debug("capturing SACIP messages on {}", link.name());
                } catch (PcapUnavailableException e) {
                    throw e;
                } catch (PeerTransportException e) {
                    // One interface that cannot be opened (it vanished meanwhile) must not stop the others.
                    LOG.warn("not capturing on {}: {}", link.name(), e.getMessage());
                }
            }
            for (Integer index : new ArrayList<>(captures.keySet())) {
                if (!wanted.contains(index)) {
                    // Null when its capture ended and took itself out since the keys were read (Sink.ended runs on
                    // the capture's thread, outside this lock): a deleted interface often ends its capture so.
                    InterfaceCapture gone = captures.remove(index);
                    if (gone != null) {
                        LOG.debug("no longer capturing on {}", gone.interfaceName());
                        gone.close();
                    }
                }
            }
        }
    }

    /** Names of the interfaces being captured now. */
    public Set<String> capturedInterfaces() {
        Set<String> names = new HashSet<>();
        captures.values().forEach(capture -> names.add(capture.interfaceName()));
        return names;
    }

    /** Link, address, route and rule changes seen so far, losses of such events included. */
    long routingChanges() {
        return routingChanges.get();
    }

    /** The next-hop resolver of the transport's namespace (for the {@link Sender}). */
    NextHopResolver resolver() {
        if (resolver == null) {
            throw new IllegalStateException("transport not started");
        }
        return resolver;
    }

    /**
     * Injects an encoded SACIP ICMP message from {@code localAddress} to {@code peerAddress} over a resolved next
     * hop. The ICMP checksum is recomputed for these outer addresses.
     *
     * @throws IllegalArgumentException when the families differ or the ICMP type does not fit the family
     * @throws PeerTransportException   interface not captured, or pcap failed
     */
    void inject(NextHop hop, InetAddress localAddress, InetAddress peerAddress, byte[] icmp)
            throws PeerTransportException {
        checkFamilies(localAddress, peerAddress);
        int expectedType = localAddress.getAddress().length == 4 ? SacipCaptureFilter.ICMPV4_TYPE
                : SacipCaptureFilter.ICMPV6_TYPE;
        if (icmp.length < FrameParser.ICMP_HEADER || (icmp[0] & 0xFF) != expectedType) {
            throw new IllegalArgumentException("not a SACIP ICMP message for this address family (type "
                    + (icmp.length == 0 ? "none" : Integer.toString(icmp[0] & 0xFF)) + ", expected " + expectedType
                    + ")");
        }
        if (!running) {
            throw new PeerTransportException("transport is not running");
        }
        InterfaceCapture capture = captureFor(hop.interfaceIndex());
        if (capture.framing() != hop.framing()) {
            throw new PeerTransportException("interface " + hop.interfaceName() + " changed its link type");
        }
        capture.send(FrameBuilder.build(hop, localAddress, peerAddress, icmp));
        sent.increment();
    }

    /**
     * Sends on an Ethernet interface the ARP request or neighbour solicitation for {@code nextHop} that names
     * {@code localAddress} as its sender (see {@link Solicitation}). Nothing on other link types.
     */
    void solicit(int interfaceIndex, byte[] interfaceMac, InetAddress localAddress, InetAddress nextHop)
            throws PeerTransportException {
        checkFamilies(localAddress, nextHop);
        if (!running) {
            throw new PeerTransportException("transport is not running");
        }
        InterfaceCapture capture = captureFor(interfaceIndex);
        if (capture.framing() == LinkFraming.ETHERNET) {
            capture.send(Solicitation.frame(interfaceMac, localAddress, nextHop));
        }
    }

    private static void checkFamilies(InetAddress localAddress, InetAddress peerAddress) {
        if (localAddress.getAddress().length != peerAddress.getAddress().length) {
            throw new IllegalArgumentException("local " + AddressText.of(localAddress) + " and peer "
                    + AddressText.of(peerAddress) + " are of different address families");
        }
    }

    /** The handle of the output interface; an interface that just came up is opened on the spot. */
    private InterfaceCapture captureFor(int interfaceIndex) throws PeerTransportException {
        InterfaceCapture capture = captures.get(interfaceIndex);
        if (capture == null || !capture.isRunning()) {
            refreshInterfaces();
            capture = captures.get(interfaceIndex);
        }
        if (capture == null) {
            throw new PeerTransportException("output interface " + interfaceIndex
                    + " is not selected for SACIP messages (or is down)");
        }
        return capture;
    }

    public TransportCounters counters() {
        Map<FrameRejection, Long> snapshot = new EnumMap<>(FrameRejection.class);
        rejected.forEach((reason, count) -> snapshot.put(reason, count.sum()));
        return new TransportCounters(delivered.sum(), sent.sum(), snapshot);
    }

    /** Re-reads the interface list on each batch of link events, after lost ones, and when asked to. */
    private void followLinks() {
        while (running) {
            boolean asked;
            synchronized (refreshSignal) {
                asked = refreshesRequested != refreshesDone;
            }
            if (!asked && !linkEventsCame()) {
                continue;
            }
            long target;
            synchronized (refreshSignal) {
                target = refreshesRequested;
            }
            try {
                reconcileInterfaces();
            } catch (PeerTransportException e) {
                LOG.warn("interface refresh failed: {}", e.getMessage());
            } catch (RuntimeException e) {
                // A bug (its trace helps), which must not end the thread: later link events and refreshes still come.
                LOG.error("interface refresh failed: {}", e.toString(), e);
            }
            synchronized (refreshSignal) {
                refreshesDone = Math.max(refreshesDone, target);
                refreshSignal.notifyAll();
            }
        }
    }

    /**
     * Waits for rtnetlink events without a timeout and counts them as routing changes; whether link events came (or
     * events were lost, which is answered the same way: by reading the list). False when woken by
     * {@link #refreshInterfaces} or {@link #close}, after an error, or when only addresses, routes or rules changed.
     */
    private boolean linkEventsCame() {
        try {
            List<RtnetlinkEvent> events = linkEvents.take();
            if (events.isEmpty()) {
                return false;
            }
            routingChanges.incrementAndGet();
            return events.stream().anyMatch(event -> event instanceof LinkEvent);
        } catch (NetlinkOverrunException e) {
            routingChanges.incrementAndGet();
            return true;
        } catch (NetlinkException e) {
            if (running) {
                LOG.warn("reading link events failed: {}", e.getMessage());
                try {
                    Thread.sleep(ERROR_PAUSE.toMillis());
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                }
            }
            return false;
        }
    }

    /** Stops every thread at once (each is woken) and closes the handles and the netlink sockets. */
    @Override
    public void close() {
        synchronized (this) {
            if (client == null) {
                return;
            }
            running = false;
        }
        synchronized (refreshSignal) {
            refreshSignal.notifyAll();
        }
        linkEvents.wakeup();
        if (linkThread != null) {
            linkThread.interrupt();
            joinQuietly(linkThread);
        }
        synchronized (interfaceLock) {
            captures.values().forEach(InterfaceCapture::close);
            captures.clear();
            synchronized (this) {
                client.close();
                client = null;
                linkEvents.close();
            }
        }
    }

    private static void joinQuietly(Thread thread) {
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private final class Sink implements CaptureSink {
        @Override
        public void accept(ReceivedMessage message) {
            if (!addresses.holds(message.destination())) {
                // A frame to our MAC or to a multicast group may name any address: answer only for ours.
                rejected.get(FrameRejection.NOT_OUR_ADDRESS).increment();
                return;
            }
            if (addresses.holds(message.source())) {
                // Our own address as the source: a reflection, or an attacker who wants us to talk to ourselves.
                rejected.get(FrameRejection.NOT_OUR_ADDRESS).increment();
                return;
            }
            ledger.received(message.source(), (message.source().getAddress().length == 4 ? 20 : 40)
                    + message.icmpLength());
            try {
                listener.onMessage(message);
                delivered.increment();
            } catch (RuntimeException e) {
                // One message the listener cannot take must not end the capture of every later one.
                LOG.warn("listener failed on {}: {}", message, e.toString());
            }
        }

        @Override
        public void reject(FrameRejection reason) {
            rejected.get(reason).increment();
        }

        @Override
        public void ended(InterfaceCapture capture, String reason) {
            captures.remove(capture.interfaceIndex(), capture);
            LOG.debug("capture on {} ended: {}", capture.interfaceName(), reason);
        }
    }
}
