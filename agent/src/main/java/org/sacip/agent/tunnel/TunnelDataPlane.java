package org.sacip.agent.tunnel;

import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import org.sacip.agent.handover.TunnelCarrier;
import org.sacip.agent.peer.protocol.TunnelPort;
import org.sacip.agent.session.Endpoint;
import org.sacip.agent.session.SessionProtocol;
import org.sacip.agent.session.SessionTuple;
import org.sacip.agent.thread.EventThreads;
import org.sacip.netlink.NetNamespace;
import org.sacip.netlink.NetlinkException;
import org.sacip.netlink.packet.FragmentationNeeded;
import org.sacip.netlink.packet.InnerPacket;
import org.sacip.netlink.packet.LaterFragment;
import org.sacip.netlink.packet.PacketParseException;
import org.sacip.netlink.packet.TcpSegmentJoiner;
import org.sacip.netlink.packet.VirtioNetHeader;
import org.sacip.netlink.route.PathMtu;
import org.sacip.netlink.tun.TunDevice;
import org.sacip.netlink.udp.UdpSocket;
import org.sacip.protocol.message.AddressFamily;
import org.sacip.protocol.message.Octets;
import org.sacip.protocol.message.UdpEndpoint;
import org.sacip.protocol.tunnel.DataDatagram;
import org.sacip.protocol.tunnel.TunnelKeys;
import org.sacip.protocol.tunnel.TunnelOpener;
import org.sacip.protocol.tunnel.TunnelRole;
import org.sacip.protocol.tunnel.TunnelSealer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Carries sessions through NATs (PROTOCOL.md 15, docs/DATAPATH.md "Carrying sessions through a NAT"). The kernel
 * routes a carried session's packets into the tunnel device; a thread reads each, finds the session by its socket's
 * tuple, writes the peer's own endpoint into it where this host translates (the peer was behind a NAT when the
 * session opened), seals it under the lineage's tunnel keys and sends it from the agent port to the lineage's path.
 * A data datagram that arrives on the agent port is opened (tag and replay window), and its packet is written into
 * the device only if its tuple is that of a session bound to the tunnel's lineage, translated back to the tuple our
 * socket knows: never a relay, never an injection, also on a host that forwards. IPv4 only (NAT44).
 */
public final class TunnelDataPlane implements TunnelPort, TunnelCarrier, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(TunnelDataPlane.class);
    /** The path MTU the tunnel assumes at first: the device's MTU is this minus the overhead. */
    static final int PATH_MTU = 1500;
    /** The lowest MTU the device goes down to: below it, Linux ignores PMTU errors (net.ipv4.route.min_pmtu). */
    static final int MIN_TUNNEL_MTU = 552;
    private static final int QUOTED = FragmentationNeeded.QUOTED;
    /** How often a sending tunnel looks at the path MTU the kernel recorded for its destination. */
    static final Duration PATH_CHECK_INTERVAL = Duration.ofSeconds(1);
    /** The outer IPv4 and UDP headers of a datagram. */
    private static final int IPV4_UDP_HEADERS = 28;
    /**
     * Packets the kernel keeps for the reading thread (the device's default is 500). A carried session's burst (a TCP
     * window, both bulk directions at once) arrives while the thread may wait for the CPU; in the NAT lab a 500-packet
     * ring overflowed, and carried UDP lost datagrams even in a make-before-break move. Memory is taken only while
     * packets wait; 4096 full-size ones are some 6 MB.
     */
    static final int QUEUE_LENGTH = 4096;
    /** A host tells the engine about datagrams of an unknown tunnel at most this often per endpoint. */
    private static final Duration UNKNOWN_REPORT_INTERVAL = Duration.ofSeconds(1);
    private static final int UNKNOWN_REPORTS_PER_SECOND = 10;
    /** Per receiving thread (one per IP version's socket): where datagrams are opened and segments joined. */
    private static final ThreadLocal<Inbound> INBOUND = ThreadLocal.withInitial(Inbound::new);

    /** Why a packet was not carried. */
    public enum Drop {
        /** Not an IPv4 TCP or UDP packet with its transport header (a later fragment, another protocol). */
        UNPARSABLE,
        /** Read from the device, of no session carried for a lineage with a tunnel up. */
        NOT_CARRIED,
        /** A datagram of a tunnel this host does not hold. */
        UNKNOWN_TUNNEL,
        /** A datagram whose tag, counter or framing did not pass. */
        REJECTED,
        /** Opened, but its packet is of no session bound to the tunnel's lineage. */
        NOT_BOUND,
        /** The kernel refused to send or write it. */
        SEND_FAILED
    }

    /** Sends datagrams from the agent port. */
    @FunctionalInterface
    public interface DatagramSender {
        /**
         * Sends the datagrams laid end to end in {@code data[0, length)}, each {@code segmentSize} octets but the
         * last, which may be shorter (one datagram: {@code length == segmentSize}), in order, stopping at the first
         * the kernel refuses.
         *
         * @return how many were sent
         */
        int send(UdpEndpoint from, UdpEndpoint to, byte[] data, int length, int segmentSize) throws Exception;
    }

    /** What the engine hears from the data plane (called on the data plane's threads). */
    public interface Events {
        void confirmed(Octets lineage, long tunnelId);

        void unknownTunnel(UdpEndpoint from);

        /** A tunnel sealed as many datagrams as its keys should carry: the engine opens a new one. */
        void wornOut(Octets lineage);
    }

    /** One lineage's tunnel. */
    private static final class Tunnel {
        final Octets lineage;
        final TunnelKeys keys;
        final TunnelRole role;
        final TunnelSealer sealer;
        final TunnelOpener opener;
        volatile UdpEndpoint local;
        volatile UdpEndpoint peer;
        /** Current: the opener's at once, the accepter's once a datagram showed the opener holds the keys. */
        volatile boolean confirmed;
        /** Whether the engine was told this tunnel is worn out. */
        volatile boolean wornOutReported;
        /** When the path MTU of this tunnel's destination was last read (System.nanoTime; the reader only). */
        long pathCheckedAt = System.nanoTime();

        Tunnel(Octets lineage, TunnelKeys keys, TunnelRole role, UdpEndpoint local, UdpEndpoint peer) {
            this.lineage = lineage;
            this.keys = keys;
            this.role = role;
            this.sealer = new TunnelSealer(keys, role);
            this.opener = new TunnelOpener(keys, role);
            this.local = local;
            this.peer = peer;
        }
    }

    /** A session carried for a lineage, and the peer's end of it inside the tunnel. */
    private record Carried(SessionTuple socket, Octets lineage, Endpoint peerInTunnel) {
    }

    /**
     * The sessions of recent fragmented datagrams, by their first fragment's key: at most 256, each for 30 s (Linux's
     * reassembly timeout). One thread each.
     */
    private static final class FragmentFlows {
        private static final int LIMIT = 256;
        private static final long LIFETIME = Duration.ofSeconds(30).toNanos();

        private record Entry(Carried carried, long at) {
        }

        private final Map<LaterFragment.Key, Entry> entries = new java.util.LinkedHashMap<>(16, 0.75f, false) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<LaterFragment.Key, Entry> eldest) {
                return size() > LIMIT;
            }
        };

        void put(LaterFragment.Key key, Carried carried) {
            entries.put(key, new Entry(carried, System.nanoTime()));
        }

        Carried get(LaterFragment.Key key) {
            Entry entry = entries.get(key);
            return entry == null || System.nanoTime() - entry.at() > LIFETIME ? null : entry.carried();
        }
    }

    private final TunDevice device;
    private final TunnelRoutes routes;
    private final DatagramSender sender;
    private volatile Events events;
    private final Map<Octets, Tunnel> byLineage = new ConcurrentHashMap<>();
    private final Map<Long, Tunnel> byId = new ConcurrentHashMap<>();
    private final Map<SessionTuple, Carried> bySocket = new ConcurrentHashMap<>();
    private final Map<SessionTuple, Carried> byInner = new ConcurrentHashMap<>();
    private final Map<UdpEndpoint, Instant> unknownReported = new ConcurrentHashMap<>();
    /** The carried sessions of datagrams whose first fragment the reader sealed, for their later fragments. */
    private final FragmentFlows outboundFragments = new FragmentFlows();
    private final ReportBudget unknownReports = new ReportBudget();
    private final Map<Drop, LongAdder> drops = new EnumMap<>(Drop.class);
    private final LongAdder packetsOut = new LongAdder();
    private final LongAdder octetsOut = new LongAdder();
    private final LongAdder packetsIn = new LongAdder();
    private final LongAdder octetsIn = new LongAdder();
    private final Thread reader;
    private volatile boolean running = true;
    /** Whether the tunnel's code was rehearsed (or is being): once per agent. */
    private final AtomicBoolean rehearsed = new AtomicBoolean();
    /** The device's MTU: lowered when a path turns out to carry less (only the reader changes it). */
    private volatile int tunnelMtu = DataDatagram.tunnelMtu(PATH_MTU, AddressFamily.IPV4);

    private TunnelDataPlane(TunDevice device, TunnelRoutes routes, DatagramSender sender) {
        this.device = device;
        this.routes = routes;
        this.sender = sender;
        for (Drop drop : Drop.values()) {
            drops.put(drop, new LongAdder());
        }
        this.reader = EventThreads.create(this::readDevice, "sacip-tunnel");
        reader.setDaemon(true);
    }

    /**
     * Opens the tunnel device {@code name}, sets its MTU and routes (table {@code table}, rules at
     * {@code priority}, packets marked {@code mark}) and starts reading it.
     */
    public static TunnelDataPlane start(String name, long table, long priority, long mark, DatagramSender sender)
            throws NetlinkException {
        return start(Optional.empty(), name, table, priority, mark, sender);
    }

    /** As {@link #start(String, long, long, long, DatagramSender)}, in {@code namespace} (tests). */
    public static TunnelDataPlane start(Optional<NetNamespace> namespace, String name, long table, long priority,
            long mark, DatagramSender sender) throws NetlinkException {
        // Virtio headers: a burst of one flow's segments is written as one packet the kernel cuts again.
        TunDevice device = namespace.isPresent() ? TunDevice.open(namespace.get(), name, true)
                : TunDevice.open(name, true);
        TunnelRoutes routes = null;
        try {
            device.setMtu(DataDatagram.tunnelMtu(PATH_MTU, AddressFamily.IPV4));
            device.setTxQueueLength(QUEUE_LENGTH);
            device.setUp();
            routes = TunnelRoutes.open(namespace, table, priority, mark);
            routes.install(device.index());
        } catch (NetlinkException | RuntimeException e) {
            if (routes != null) {
                routes.close();
            }
            device.close();
            throw e;
        }
        TunnelDataPlane plane = new TunnelDataPlane(device, routes, sender);
        plane.reader.start();
        return plane;
    }

    /** Where the engine hears about confirmed and unknown tunnels; set before any datagram arrives. */
    public void events(Events events) {
        this.events = events;
    }

    // ---- TunnelPort (engine thread) ----

    @Override
    public boolean available() {
        return running;
    }

    @Override
    public void start(Octets lineage, TunnelKeys keys, TunnelRole role, UdpEndpoint local, UdpEndpoint peer) {
        Tunnel tunnel = new Tunnel(lineage, keys, role, local, peer);
        // Only the current tunnel and the one before it (datagrams sealed under it may still be on their way) are
        // opened; a pending one too (PROTOCOL.md 15.6).
        Tunnel current = byLineage.get(lineage);
        byId.values().removeIf(t -> t.lineage.equals(lineage) && t != current);
        byId.put(keys.tunnelId(), tunnel);
        if (role == TunnelRole.OPENER) {
            makeCurrent(tunnel);
            // An empty datagram tells the accepter we hold the keys, so it may send.
            sendEmpty(tunnel);
        }
        // An accepter's tunnel stays pending until a datagram of it opens; we seal on the current one meanwhile.
    }

    private void makeCurrent(Tunnel tunnel) {
        tunnel.confirmed = true;
        byLineage.put(tunnel.lineage, tunnel);
    }

    @Override
    public void path(Octets lineage, UdpEndpoint local, UdpEndpoint peer) {
        for (Tunnel tunnel : byId.values()) {
            if (tunnel.lineage.equals(lineage)) {
                tunnel.local = local;
                tunnel.peer = peer;
            }
        }
    }

    @Override
    public void stop(Octets lineage) {
        byLineage.remove(lineage);
        byId.values().removeIf(t -> t.lineage.equals(lineage));
    }

    @Override
    public void prepare() {
        if (rehearsed.get() || carriedAny()) {
            return;
        }
        Thread thread = EventThreads.idle(() -> {
            long start = System.nanoTime();
            int rehearsals = rehearseOnce();
            if (rehearsals >= 0) {
                LOG.debug("a lineage over UDP may need a tunnel: {} tunnel datagrams sealed and opened in {} ms",
                        rehearsals, (System.nanoTime() - start) / 1_000_000);
            }
        }, "sacip-tunnel-rehearsal");
        thread.setDaemon(true);
        thread.start();
    }

    /** Whether this data plane sent a datagram or delivered a packet yet. */
    private boolean carriedAny() {
        return packetsOut.sum() > 0 || packetsIn.sum() > 0;
    }

    /**
     * Rehearses sealing and opening ({@link TunnelRehearsal}) on the calling thread, once, and only while nothing was
     * carried (carried packets warm the same code): how many datagrams, or -1 when it did not.
     */
    public int rehearseOnce() {
        if (carriedAny() || !rehearsed.compareAndSet(false, true)) {
            return -1;
        }
        return TunnelRehearsal.run(TunnelRehearsal.DATAGRAMS, new SecureRandom());
    }

    // ---- TunnelCarrier (handover thread) ----

    @Override
    public void bound(SessionTuple session, Octets lineage, Endpoint peerInTunnel) {
        if (!session.isIpv4()) {
            return;
        }
        Carried carried = new Carried(session, lineage, peerInTunnel);
        Carried previous = bySocket.put(session, carried);
        if (previous != null) {
            byInner.remove(inner(previous));
        }
        byInner.put(inner(carried), carried);
    }

    @Override
    public void released(SessionTuple session) {
        Carried previous = bySocket.remove(session);
        if (previous != null) {
            byInner.remove(inner(previous));
        }
    }

    @Override
    public void routed(Set<SessionTuple> sessions) {
        try {
            routes.carry(sessions);
        } catch (NetlinkException | RuntimeException e) {
            LOG.warn("cannot route {} carried session(s) into the tunnel: {}", sessions.size(), e.getMessage());
        }
    }

    /** The tuple of a carried session's packets inside the tunnel, as they arrive from the peer. */
    private static SessionTuple inner(Carried carried) {
        return new SessionTuple(carried.socket.protocol(), carried.socket.local(), carried.peerInTunnel);
    }

    // ---- outbound: device -> tunnel ----

    /**
     * Reads the device: the first packet waits, then whatever else is queued is read without waiting, so a burst is
     * sealed into one batch per tunnel path and sent in one call.
     */
    private void readDevice() {
        ByteBuffer buffer = ByteBuffer.allocateDirect(device.maxFrame());
        byte[] packet = new byte[device.maxFrame()];
        Batch batch = new Batch();
        Duration wait = null;
        while (running) {
            int length;
            try {
                buffer.clear();
                length = device.receive(buffer, wait);
            } catch (NetlinkException e) {
                if (!running) {
                    return;
                }
                LOG.warn("reading the tunnel device failed: {}", e.getMessage());
                continue;
            }
            if (length < 0) {
                return;
            }
            if (length == 0) {
                // Nothing more queued: what was read so far leaves now.
                flush(batch);
                wait = null;
                continue;
            }
            buffer.flip();
            buffer.get(packet, 0, length);
            wait = Duration.ZERO;
            // The device offloads nothing, so the kernel hands over whole packets; one whose checksum is left to
            // the device (a local sender's partial checksum) is finished here.
            if (length <= VirtioNetHeader.LENGTH || VirtioNetHeader.gsoType(packet, 0) != VirtioNetHeader.GSO_NONE
                    || (VirtioNetHeader.needsChecksum(packet, 0) && !VirtioNetHeader.finishChecksum(packet, 0,
                            length - VirtioNetHeader.LENGTH))) {
                drops.get(Drop.UNPARSABLE).increment();
                continue;
            }
            carryOut(packet, VirtioNetHeader.LENGTH, length - VirtioNetHeader.LENGTH, batch);
        }
    }

    private void carryOut(byte[] packet, int offset, int length, Batch batch) {
        InnerPacket inner;
        try {
            inner = InnerPacket.parse(ByteBuffer.wrap(packet, offset, length));
        } catch (PacketParseException e) {
            carryFragmentOut(packet, offset, length, batch);
            return;
        }
        SessionTuple socket = tuple(inner.protocol(), inner.sourceAddress(), inner.sourcePort(),
                inner.destinationAddress(), inner.destinationPort());
        Carried carried = socket == null ? null : bySocket.get(socket);
        Tunnel tunnel = carried == null ? null : byLineage.get(carried.lineage);
        if (tunnel == null || !tunnel.confirmed) {
            drops.get(Drop.NOT_CARRIED).increment();
            return;
        }
        if (inner.ipVersion() == 4 && inner.moreFragments()) {
            outboundFragments.put(LaterFragment.keyOfFirst(ByteBuffer.wrap(packet, offset, length)), carried);
        }
        Batch ready = room(batch, tunnel, inner.length(), packet, offset);
        if (!carried.peerInTunnel.equals(socket.remote())) {
            inner.setDestinationAddress(carried.peerInTunnel.address());
            inner.setDestinationPort(carried.peerInTunnel.port());
        }
        seal(ready, tunnel, packet, offset, inner.length());
    }

    /**
     * A fragment after the first of a carried session's datagram (the socket's stack fragmented a UDP datagram
     * larger than the tunnel's MTU): it goes where its first fragment went, translated the same way.
     */
    private void carryFragmentOut(byte[] packet, int offset, int length, Batch batch) {
        Optional<LaterFragment> fragment = LaterFragment.parse(ByteBuffer.wrap(packet, offset, length));
        if (fragment.isEmpty()) {
            drops.get(Drop.UNPARSABLE).increment();
            return;
        }
        Carried carried = outboundFragments.get(fragment.get().key());
        Tunnel tunnel = carried == null ? null : byLineage.get(carried.lineage);
        if (tunnel == null || !tunnel.confirmed) {
            drops.get(Drop.NOT_CARRIED).increment();
            return;
        }
        Batch ready = room(batch, tunnel, fragment.get().length(), packet, offset);
        if (!carried.peerInTunnel.equals(carried.socket.remote())) {
            fragment.get().setDestinationAddress(carried.peerInTunnel.address());
        }
        seal(ready, tunnel, packet, offset, fragment.get().length());
    }

    /** The batch, flushed first when the next datagram cannot join it, with the packet's first octets quoted. */
    private Batch room(Batch batch, Tunnel tunnel, int packetLength, byte[] packet, int offset) {
        int sealedLength = DataDatagram.length(packetLength);
        if (!batch.takes(tunnel, sealedLength)) {
            flush(batch);
            batch.start(tunnel, sealedLength);
        }
        batch.quote(packet, offset, packetLength);
        return batch;
    }

    private void seal(Batch batch, Tunnel tunnel, byte[] packet, int offset, int packetLength) {
        try {
            tunnel.sealer.seal(packet, offset, packetLength, batch.data, batch.length);
        } catch (RuntimeException e) {
            drops.get(Drop.SEND_FAILED).increment();
            LOG.debug("tunnel {}: cannot seal: {}", tunnel.keys.tunnelIdHex(), e.toString());
            return;
        }
        batch.add(DataDatagram.length(packetLength), packetLength);
        reportIfWornOut(tunnel);
    }

    /**
     * Datagrams sealed for one tunnel path, end to end, all as long as the first but the last (the kernel's rule for
     * a segmented send): one call, and one packet through the stack, for a burst. Only the device's reader uses it.
     */
    private static final class Batch {
        /** As many datagrams of the largest inner packet as one UDP payload takes. */
        final byte[] data = new byte[DataDatagram.MAX_LENGTH];
        /** Each datagram's inner packet's first octets, as its socket sent it (for a PMTU error if it cannot go). */
        final byte[] quoted = new byte[UdpSocket.MAX_SEGMENTS * QUOTED];
        /** Each datagram's inner packet's length. */
        final int[] innerLengths = new int[UdpSocket.MAX_SEGMENTS];
        Tunnel tunnel;
        UdpEndpoint local;
        UdpEndpoint peer;
        int segmentSize;
        int length;
        int count;
        long innerOctets;

        boolean takes(Tunnel next, int sealedLength) {
            return count > 0 && next == tunnel && next.local == local && next.peer == peer
                    && count < UdpSocket.MAX_SEGMENTS && length % segmentSize == 0 && sealedLength <= segmentSize
                    && length + sealedLength <= data.length;
        }

        void start(Tunnel next, int sealedLength) {
            tunnel = next;
            local = next.local;
            peer = next.peer;
            segmentSize = sealedLength;
            length = 0;
            count = 0;
            innerOctets = 0;
        }

        void add(int sealedLength, int innerLength) {
            innerLengths[count] = innerLength;
            length += sealedLength;
            count++;
            innerOctets += innerLength;
        }

        /** Keeps the first octets of the next datagram's inner packet, before any translation. */
        void quote(byte[] packet, int offset, int packetLength) {
            int at = count * QUOTED;
            int copied = Math.min(QUOTED, packetLength);
            System.arraycopy(packet, offset, quoted, at, copied);
            Arrays.fill(quoted, at + copied, at + QUOTED, (byte) 0);
        }
    }

    private void flush(Batch batch) {
        if (batch.count == 0) {
            return;
        }
        int sent;
        try {
            sent = sender.send(batch.local, batch.peer, batch.data, batch.length, batch.segmentSize);
        } catch (Exception e) {
            sent = 0;
            if (tooLarge(e)) {
                pathShrank(batch);
            } else {
                LOG.debug("tunnel {}: cannot send: {}", batch.tunnel.keys.tunnelIdHex(), e.toString());
            }
        }
        if (sent > 0) {
            checkPath(batch.tunnel, batch.local, batch.peer);
        }
        packetsOut.add(sent);
        // Only the last may be shorter: the first `sent` carried full-size packets unless all went.
        octetsOut.add(sent == batch.count ? batch.innerOctets
                : (long) sent * (batch.segmentSize - DataDatagram.OVERHEAD));
        if (sent < batch.count) {
            drops.get(Drop.SEND_FAILED).add(batch.count - sent);
        }
        batch.count = 0;
        batch.length = 0;
    }

    private static boolean tooLarge(Throwable e) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof NetlinkException netlink && UdpSocket.isTooLarge(netlink)) {
                return true;
            }
        }
        return false;
    }

    /**
     * The kernel refused the batch as larger than the MTU of the device it leaves through (the agent port ignores
     * the kernel's path MTU records, which carried sessions lower too: {@link #checkPath}): the tunnel device's MTU
     * goes down to what that device carries, so the kernel gives senders PMTU errors for larger packets from now on,
     * and each flow whose packet could not go gets one now (an ICMP "fragmentation needed" written into the device),
     * so its TCP resends smaller at once rather than after a timeout.
     */
    private void pathShrank(Batch batch) {
        PathMtu path = pathMtu(batch.tunnel, batch.local, batch.peer);
        if (path == null) {
            return;
        }
        shrink(path.device(), batch.peer);
        int previous = -1;
        for (int i = 0; i < batch.count; i++) {
            if (batch.innerLengths[i] > tunnelMtu && (previous < 0 || !sameFlow(batch.quoted, previous, i))) {
                tellTooBig(batch.quoted, i * QUOTED, tunnelMtu);
                previous = i;
            }
        }
    }

    /**
     * At most once a {@link #PATH_CHECK_INTERVAL} while a tunnel sends: a path MTU the kernel recorded for its
     * destination below what the tunnel's datagrams need (a router answered one with "fragmentation needed") lowers
     * the tunnel's MTU. A record equal to the tunnel's MTU is the carried sessions' own doing (the kernel records
     * the tunnel device's MTU, or ours in the errors we write, for their sockets' destination) and is no path's.
     */
    private void checkPath(Tunnel tunnel, UdpEndpoint local, UdpEndpoint peer) {
        long now = System.nanoTime();
        if (now - tunnel.pathCheckedAt < PATH_CHECK_INTERVAL.toNanos()) {
            return;
        }
        tunnel.pathCheckedAt = now;
        PathMtu path = pathMtu(tunnel, local, peer);
        if (path != null && path.recorded().isPresent()) {
            int recorded = path.recorded().getAsInt();
            if (recorded != tunnelMtu && recorded < tunnelMtu + DataDatagram.OVERHEAD + IPV4_UDP_HEADERS) {
                shrink(recorded, peer);
            }
        }
    }

    private PathMtu pathMtu(Tunnel tunnel, UdpEndpoint local, UdpEndpoint peer) {
        try {
            return routes.pathMtu(peer.address().toInetAddress(), local.address().toInetAddress());
        } catch (NetlinkException | RuntimeException e) {
            LOG.warn("tunnel {}: the path MTU to {} cannot be read: {}", tunnel.keys.tunnelIdHex(), peer,
                    e.getMessage());
            return null;
        }
    }

    /** Lowers the tunnel device's MTU to what a path of {@code pathMtu} carries; never raises it. */
    private void shrink(int pathMtu, UdpEndpoint peer) {
        int mtu = Math.max(MIN_TUNNEL_MTU, DataDatagram.tunnelMtu(pathMtu, AddressFamily.IPV4));
        if (mtu < tunnelMtu) {
            try {
                device.setMtu(mtu);
                LOG.info("path MTU {} to {}: the tunnel's MTU goes from {} to {}", pathMtu, peer, tunnelMtu, mtu);
                tunnelMtu = mtu;
            } catch (NetlinkException e) {
                LOG.warn("cannot lower the tunnel's MTU to {}: {}", mtu, e.getMessage());
            }
        }
    }

    private static boolean sameFlow(byte[] quoted, int a, int b) {
        // Addresses (12..20) and ports (20..24) of the quoted headers.
        return Arrays.equals(quoted, a * QUOTED + 12, a * QUOTED + 24, quoted, b * QUOTED + 12,
                b * QUOTED + 24);
    }

    /** Writes an ICMP "fragmentation needed" (next-hop MTU {@code mtu}) for the quoted packet into the device. */
    private void tellTooBig(byte[] quoted, int offset, int mtu) {
        byte[] frame = new byte[VirtioNetHeader.LENGTH + FragmentationNeeded.LENGTH];
        if (FragmentationNeeded.write(quoted, offset, mtu, frame, VirtioNetHeader.LENGTH)) {
            write(ByteBuffer.wrap(frame), 0, 0);
        }
    }

    /** An empty datagram, from the engine's thread: the opener tells the accepter it holds the keys. */
    private void sendEmpty(Tunnel tunnel) {
        byte[] datagram = new byte[DataDatagram.length(0)];
        try {
            tunnel.sealer.seal(new byte[0], 0, 0, datagram, 0);
            if (sender.send(tunnel.local, tunnel.peer, datagram, datagram.length, datagram.length) == 1) {
                packetsOut.increment();
                reportIfWornOut(tunnel);
                return;
            }
        } catch (Exception e) {
            LOG.debug("tunnel {}: cannot send: {}", tunnel.keys.tunnelIdHex(), e.toString());
        }
        drops.get(Drop.SEND_FAILED).increment();
    }

    private void reportIfWornOut(Tunnel tunnel) {
        if (!tunnel.wornOutReported && tunnel.sealer.shouldRenew()) {
            tunnel.wornOutReported = true;
            Events listener = events;
            if (listener != null) {
                listener.wornOut(tunnel.lineage);
            }
        }
    }

    // ---- inbound: agent port -> device ----

    /**
     * A datagram that arrived on the agent port from {@code from}: returns false when it is no data datagram (a
     * SACIP message, for the engine), true when it was taken here (carried, or dropped and counted). Carried TCP
     * segments of one flow may be held back to be written as one packet: {@link #receivedAll} writes them.
     */
    public boolean receive(UdpEndpoint from, byte[] payload) {
        ByteBuffer datagram = ByteBuffer.wrap(payload);
        if (!DataDatagram.isData(datagram)) {
            return false;
        }
        if (payload.length < DataDatagram.HEADER_LENGTH) {
            drops.get(Drop.REJECTED).increment();
            return true;
        }
        Tunnel tunnel = byId.get(DataDatagram.tunnelId(datagram));
        if (tunnel == null) {
            drops.get(Drop.UNKNOWN_TUNNEL).increment();
            reportUnknown(from);
            return true;
        }
        Inbound in = INBOUND.get();
        // Opened after room for a virtio header, so that a packet written alone needs no copy.
        int length = tunnel.opener.open(payload, 0, payload.length, in.plain, VirtioNetHeader.LENGTH);
        if (length < 0) {
            drops.get(Drop.REJECTED).increment();
            return true;
        }
        if (!tunnel.confirmed) {
            makeCurrent(tunnel);
            Events listener = events;
            if (listener != null) {
                listener.confirmed(tunnel.lineage, tunnel.keys.tunnelId());
            }
        }
        if (length == 0) {
            return true;
        }
        carryIn(tunnel, in, length);
        return true;
    }

    /** The receiving thread has nothing more queued: what it held back goes into the device now. */
    public void receivedAll() {
        writeJoined(INBOUND.get());
    }

    private void carryIn(Tunnel tunnel, Inbound in, int length) {
        int at = VirtioNetHeader.LENGTH;
        InnerPacket inner;
        try {
            inner = InnerPacket.parse(ByteBuffer.wrap(in.plain, at, length));
        } catch (PacketParseException e) {
            carryFragmentIn(tunnel, in, length);
            return;
        }
        // From the peer's end inside the tunnel to our socket's end.
        SessionTuple arrived = tuple(inner.protocol(), inner.destinationAddress(), inner.destinationPort(),
                inner.sourceAddress(), inner.sourcePort());
        Carried carried = arrived == null ? null : byInner.get(arrived);
        if (carried == null || !carried.lineage.equals(tunnel.lineage)) {
            drops.get(Drop.NOT_BOUND).increment();
            return;
        }
        if (inner.ipVersion() == 4 && inner.moreFragments()) {
            in.fragments.put(LaterFragment.keyOfFirst(ByteBuffer.wrap(in.plain, at, length)), carried);
        }
        if (!carried.peerInTunnel.equals(carried.socket.remote())) {
            inner.setSourceAddress(carried.socket.remote().address());
            inner.setSourcePort(carried.socket.remote().port());
        }
        int packetLength = inner.length();
        if (in.joiner.offer(in.plain, at, packetLength)) {
            in.heldOctets += packetLength;
            return;
        }
        writeJoined(in);
        if (in.joiner.offer(in.plain, at, packetLength)) {
            in.heldOctets += packetLength;
            return;
        }
        VirtioNetHeader.clear(in.plain, 0);
        write(ByteBuffer.wrap(in.plain, 0, at + packetLength), 1, packetLength);
    }

    /** A later fragment of a carried datagram whose first fragment came through this thread: translated alike. */
    private void carryFragmentIn(Tunnel tunnel, Inbound in, int length) {
        int at = VirtioNetHeader.LENGTH;
        Optional<LaterFragment> fragment = LaterFragment.parse(ByteBuffer.wrap(in.plain, at, length));
        if (fragment.isEmpty()) {
            drops.get(Drop.UNPARSABLE).increment();
            return;
        }
        Carried carried = in.fragments.get(fragment.get().key());
        if (carried == null || !carried.lineage.equals(tunnel.lineage)) {
            drops.get(Drop.NOT_BOUND).increment();
            return;
        }
        if (!carried.peerInTunnel.equals(carried.socket.remote())) {
            fragment.get().setSourceAddress(carried.socket.remote().address());
        }
        writeJoined(in);
        VirtioNetHeader.clear(in.plain, 0);
        write(ByteBuffer.wrap(in.plain, 0, at + fragment.get().length()), 1, fragment.get().length());
    }

    private void writeJoined(Inbound in) {
        if (in.joiner.isEmpty()) {
            return;
        }
        int segments = in.joiner.segments();
        long octets = in.heldOctets;
        in.heldOctets = 0;
        write(in.joiner.take(), segments, octets);
    }

    private void write(ByteBuffer frame, int packets, long octets) {
        try {
            device.send(frame);
            packetsIn.add(packets);
            octetsIn.add(octets);
        } catch (NetlinkException e) {
            drops.get(Drop.SEND_FAILED).add(packets);
            LOG.debug("cannot write a carried packet into the tunnel device: {}", e.getMessage());
        }
    }

    /** A receiving thread's buffers: the opened packet (after room for a virtio header) and the held segments. */
    private static final class Inbound {
        final byte[] plain = new byte[VirtioNetHeader.LENGTH + DataDatagram.MAX_INNER_PACKET];
        final TcpSegmentJoiner joiner = new TcpSegmentJoiner();
        /** The carried sessions of datagrams whose first fragment this thread wrote, for their later fragments. */
        final FragmentFlows fragments = new FragmentFlows();
        long heldOctets;
    }

    private void reportUnknown(UdpEndpoint from) {
        Instant now = Instant.now();
        Instant last = unknownReported.get(from);
        Events listener = events;
        if (listener != null && (last == null || now.isAfter(last.plus(UNKNOWN_REPORT_INTERVAL)))
                && unknownReports.tryAcquire(now)) {
            if (unknownReported.size() > 4096) {
                unknownReported.clear();
            }
            unknownReported.put(from, now);
            listener.unknownTunnel(from);
        }
    }

    /**
     * At most {@link #UNKNOWN_REPORTS_PER_SECOND} reports a second in all: each costs the engine a look at every
     * lineage, and junk from many forged endpoints must not buy that.
     */
    private static final class ReportBudget {
        private long second;
        private int used;

        synchronized boolean tryAcquire(Instant now) {
            long current = now.getEpochSecond();
            if (current != second) {
                second = current;
                used = 0;
            }
            return used++ < UNKNOWN_REPORTS_PER_SECOND;
        }
    }

    private static SessionTuple tuple(int protocol, InetAddress local, int localPort, InetAddress remote,
            int remotePort) {
        SessionProtocol kind = protocol == 6 ? SessionProtocol.TCP : protocol == 17 ? SessionProtocol.UDP : null;
        if (kind == null || localPort == 0 || remotePort == 0) {
            return null;
        }
        return new SessionTuple(kind, new Endpoint(local, localPort), new Endpoint(remote, remotePort));
    }

    // ---- status ----

    /** Packets and octets carried each way, and drops by reason (for status and metrics). */
    public Map<String, Long> counters() {
        Map<String, Long> counters = new java.util.LinkedHashMap<>();
        counters.put("packets_out", packetsOut.sum());
        counters.put("octets_out", octetsOut.sum());
        counters.put("packets_in", packetsIn.sum());
        counters.put("octets_in", octetsIn.sum());
        counters.put("tunnels", (long) byLineage.size());
        counters.put("sessions", (long) bySocket.size());
        drops.forEach((reason, count) -> counters.put("dropped_" + reason.name().toLowerCase(
                java.util.Locale.ROOT), count.sum()));
        return counters;
    }

    public String deviceName() {
        return device.name();
    }

    @Override
    public void close() {
        running = false;
        device.close();
        try {
            reader.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            routes.removeAll();
        } catch (NetlinkException e) {
            LOG.warn("cannot remove the tunnel's routes: {}", e.getMessage());
        }
        routes.close();
    }
}
