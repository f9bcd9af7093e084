package org.sacip.agent.session;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.sacip.agent.thread.EventThreads;
import org.sacip.netlink.NetNamespace;
import org.sacip.netlink.NetlinkException;
import org.sacip.netlink.NetlinkOverrunException;
import org.sacip.netlink.conntrack.ConntrackClient;
import org.sacip.netlink.conntrack.ConntrackEntry;
import org.sacip.netlink.conntrack.ConntrackEvent;
import org.sacip.netlink.conntrack.ConntrackEvents;
import org.sacip.netlink.conntrack.ConntrackFlow;
import org.sacip.netlink.conntrack.ConntrackStatus;
import org.sacip.netlink.conntrack.ConntrackTcpState;
import org.sacip.netlink.conntrack.FlowTuple;
import org.sacip.netlink.diag.SockDiagClient;
import org.sacip.netlink.diag.SocketFilter;
import org.sacip.netlink.diag.SocketInfo;
import org.sacip.netlink.diag.TcpState;
import org.sacip.netlink.diag.TransportProtocol;
import org.sacip.netlink.nflog.LoggedPacket;
import org.sacip.netlink.nflog.NflogClient;
import org.sacip.netlink.nflog.NflogConfig;
import org.sacip.netlink.packet.PacketHeaders;
import org.sacip.netlink.packet.PacketParseException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds the sessions of this host's addresses from kernel events, not by polling: conntrack tells when a connection
 * is established (TCP) or answered (UDP) and when it ends; the ruleset's log rules (nfnetlink_log) tell who opened it
 * and the proof of its opening. A session conntrack forgets while its socket lives (a TCP connection, a UDP socket
 * connected to the peer) goes on until the kernel reports that socket destroyed ({@link ClosingSockets}). A full dump
 * runs at start, after lost events (an overrun of any event socket), and as a safety net every {@link #SAFETY_DUMP}
 * — the only work that grows with the number of sessions while idle, and the only way flows conntrack does not see
 * ({@code notrack}) are found. Two reader threads (three while sessions are held by their sockets) feed one tracker
 * thread, which owns the state and calls the listener.
 */
public final class SessionTracker implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SessionTracker.class);
    static final Duration SAFETY_DUMP = Duration.ofMinutes(10);
    /** An established session waits this long for the log record of its opening (they travel on two sockets). */
    static final Duration RECORD_WAIT = Duration.ofMillis(200);
    /** After a failed read, the reader waits this long before it tries again (instead of spinning). */
    private static final Duration ERROR_PAUSE = Duration.ofMillis(500);
    /** How long {@link #close()} waits for a woken reader to end. */
    private static final Duration STOP_WAIT = Duration.ofSeconds(2);
    private static final int RECORDS = 65_536;
    private static final String SAFETY_NET = "safety net";
    private static final Set<TcpState> LIVE_TCP = EnumSet.of(TcpState.ESTABLISHED, TcpState.FIN_WAIT1,
            TcpState.FIN_WAIT2, TcpState.CLOSE_WAIT, TcpState.LAST_ACK, TcpState.CLOSING);
    private static final Set<ConntrackTcpState> ENDED_TCP = EnumSet.of(ConntrackTcpState.TIME_WAIT,
            ConntrackTcpState.CLOSE);

    /** Where sessions go. Called on the tracker thread. */
    public interface Listener {
        /** Sessions established and answered; {@code initialDump} for the complete list at start. */
        void opened(List<SessionOpened> sessions, boolean initialDump);

        void ended(List<SessionTuple> sessions);
    }

    private record Waiting(Opener opener, Instant since, long deadline) {
    }

    private final NflogClient nflog;
    private final ConntrackEvents conntrackEvents;
    private final ConntrackClient conntrack;
    private final SockDiagClient sockets;
    private final Supplier<Set<InetAddress>> managedAddresses;
    private final Predicate<InetAddress> ours;
    /** The agent's own UDP port, whose flows are no sessions; 0: none. */
    private final int agentUdpPort;
    private final Listener listener;
    private final Clock clock;
    private final ScheduledExecutorService executor;
    private final Thread nflogReader;
    private final Thread conntrackReader;
    private volatile boolean running = true;
    // Tracker thread only:
    private final OpeningRecords records = new OpeningRecords(RECORDS);
    private final Map<SessionTuple, Waiting> waiting = new LinkedHashMap<>();
    private final Set<SessionTuple> live = new HashSet<>();
    /** Live sessions conntrack forgot (its idle timeout, conntrack -F) whose socket lives: they end with it. */
    private final Set<SessionTuple> held = new HashSet<>();
    private final ClosingSockets closing;
    private boolean flushScheduled;
    private boolean dumped;
    private volatile long overruns;
    /** Conntrack dumps made, each a walk of the host's whole table ({@link ConntrackWalks}); tracker thread only. */
    private volatile long conntrackWalks;
    /** Ended sessions whose socket still lived at the first look, so closing sockets were watched; tracker thread. */
    private volatile long watchedEnds;
    private final java.util.concurrent.atomic.AtomicBoolean redumpPending =
            new java.util.concurrent.atomic.AtomicBoolean();
    private final java.util.concurrent.atomic.AtomicBoolean findPending =
            new java.util.concurrent.atomic.AtomicBoolean();
    /** Addresses whose sessions a waiting {@link #findOnAfter} looks for. */
    private final Set<InetAddress> newAddresses = java.util.concurrent.ConcurrentHashMap.newKeySet();

    private SessionTracker(NetNamespace namespace, NflogClient nflog, ConntrackEvents conntrackEvents,
            ConntrackClient conntrack, SockDiagClient sockets, Supplier<Set<InetAddress>> managedAddresses,
            Predicate<InetAddress> ours, int agentUdpPort, Listener listener, Clock clock) {
        this.nflog = nflog;
        this.agentUdpPort = agentUdpPort;
        this.conntrackEvents = conntrackEvents;
        this.conntrack = conntrack;
        this.sockets = sockets;
        this.managedAddresses = managedAddresses;
        this.ours = ours;
        this.listener = listener;
        this.clock = clock;
        this.closing = new ClosingSockets(namespace, new ClosingSockets.Listener() {
            @Override
            public void closed(List<SessionTuple> sockets) {
                post(() -> socketsClosed(sockets));
            }

            @Override
            public void lost() {
                post(() -> {
                    overruns++;
                    dump("lost socket notifications");
                });
            }
        });
        this.executor = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = EventThreads.create(runnable, "sacip-sessions");
            thread.setDaemon(true);
            return thread;
        });
        this.nflogReader = EventThreads.create(this::readLog, "sacip-sessions-log");
        this.conntrackReader = EventThreads.create(this::readConntrack, "sacip-sessions-ct");
        nflogReader.setDaemon(true);
        conntrackReader.setDaemon(true);
    }

    /**
     * Subscribes in the namespace ({@code null}: the caller's), makes the first dump and starts following.
     *
     * @param managedAddresses the addresses whose sessions are tracked (managed interfaces' usable addresses, and the
     *                         ghosts of those that moved)
     * @param ours             whether an address is this host's (managed, or a ghost)
     */
    public static SessionTracker start(NetNamespace namespace, int nflogGroup,
            Supplier<Set<InetAddress>> managedAddresses, Predicate<InetAddress> ours, Listener listener, Clock clock)
            throws NetlinkException {
        return start(namespace, nflogGroup, managedAddresses, ours, 0, listener, clock);
    }

    /**
     * As {@link #start(NetNamespace, int, Supplier, Predicate, Listener, Clock)}, for an agent whose own UDP port is
     * {@code agentUdpPort} (0: none): its flows are the agent's messages, not sessions, and its socket (bound to the
     * wildcard) is no reason to walk conntrack for UDP flows ({@link ConntrackWalks}).
     */
    public static SessionTracker start(NetNamespace namespace, int nflogGroup,
            Supplier<Set<InetAddress>> managedAddresses, Predicate<InetAddress> ours, int agentUdpPort,
            Listener listener, Clock clock) throws NetlinkException {
        List<AutoCloseable> opened = new ArrayList<>();
        try {
            NflogConfig config = NflogConfig.group(nflogGroup).withCopyRange(352);
            NflogClient nflog = namespace == null ? NflogClient.open(config) : NflogClient.open(namespace, config);
            opened.add(nflog);
            Set<ConntrackEvent.Kind> kinds = EnumSet.of(ConntrackEvent.Kind.UPDATE, ConntrackEvent.Kind.DESTROY);
            ConntrackEvents events = namespace == null ? ConntrackEvents.open(kinds)
                    : ConntrackEvents.open(namespace, kinds);
            opened.add(events);
            ConntrackClient conntrack = namespace == null ? ConntrackClient.open() : ConntrackClient.open(namespace);
            opened.add(conntrack);
            SockDiagClient sockets = namespace == null ? SockDiagClient.open() : SockDiagClient.open(namespace);
            opened.add(sockets);
            SessionTracker tracker = new SessionTracker(namespace, nflog, events, conntrack, sockets,
                    managedAddresses, ours, agentUdpPort, listener, clock);
            tracker.post(() -> tracker.dump("start"));
            tracker.nflogReader.start();
            tracker.conntrackReader.start();
            return tracker;
        } catch (NetlinkException | RuntimeException e) {
            for (AutoCloseable resource : opened) {
                try {
                    resource.close();
                } catch (Exception ignored) {
                    // Already failing; the first error is the one to report.
                }
            }
            throw e;
        }
    }

    /** Asks for a full dump now (a resync is wanted). Requests that come while one is still waiting share it. */
    public void redump(String why) {
        if (redumpPending.compareAndSet(false, true)) {
            schedule(Duration.ZERO, () -> {
                redumpPending.set(false);
                dump(why, Optional.empty());
            });
        }
    }

    /**
     * Looks for sessions on addresses that just became ours, {@code delay} from now: only their sockets are dumped.
     * A new address usually comes with a move to it, and the wait leaves the move the CPU first. Addresses asked for
     * while a look is still waiting join it: a burst of new addresses costs one.
     */
    public void findOnAfter(Duration delay, Set<InetAddress> addresses, String why) {
        if (addresses.isEmpty()) {
            return;
        }
        newAddresses.addAll(addresses);
        if (findPending.compareAndSet(false, true)) {
            schedule(delay, () -> {
                findPending.set(false);
                Set<InetAddress> scope = Set.copyOf(newAddresses);
                newAddresses.removeAll(scope);
                dump(why, Optional.of(scope));
            });
        }
    }

    // ---- readers ----

    private void readLog() {
        while (running) {
            try {
                List<LoggedPacket> packets = nflog.take();
                if (!packets.isEmpty()) {
                    post(() -> logged(packets));
                }
            } catch (NetlinkOverrunException e) {
                post(() -> {
                    overruns++;
                    dump("lost log records");
                });
            } catch (NetlinkException e) {
                if (running) {
                    LOG.warn("reading session openings failed: {}", e.getMessage());
                    pause();
                }
            }
        }
    }

    private void readConntrack() {
        while (running) {
            try {
                List<ConntrackEvent> events = conntrackEvents.take();
                if (!events.isEmpty()) {
                    post(() -> changed(events));
                }
            } catch (NetlinkOverrunException e) {
                post(() -> {
                    overruns++;
                    dump("lost conntrack events");
                });
            } catch (NetlinkException e) {
                if (running) {
                    LOG.warn("reading conntrack events failed: {}", e.getMessage());
                    pause();
                }
            }
        }
    }

    // ---- on the tracker thread ----

    private void logged(List<LoggedPacket> packets) {
        List<SessionOpened> opened = new ArrayList<>();
        for (LoggedPacket packet : packets) {
            PacketHeaders headers;
            try {
                headers = PacketHeaders.parse(packet.payload());
            } catch (PacketParseException e) {
                LOG.debug("logged packet not read: {}", e.getMessage());
                continue;
            }
            Optional<SessionTuple> tuple = records.record(packet, headers, ours);
            if (tuple.isPresent()) {
                Waiting wait = waiting.get(tuple.get());
                Optional<OpeningProof> proof = records.proof(tuple.get());
                if (wait != null && proof.isPresent()) {
                    waiting.remove(tuple.get());
                    opened.add(report(tuple.get(), wait.opener(), proof, wait.since()));
                } else if (wait == null && proof.isPresent() && live.contains(tuple.get())) {
                    // The record came after the session was reported without one (a loaded agent read its log
                    // late): reported again with it, so its claim can carry the proof the peer expects.
                    opened.add(report(tuple.get(), records.opener(tuple.get()), proof, clock.instant()));
                }
            }
        }
        if (!opened.isEmpty()) {
            listener.opened(opened, false);
        }
    }

    private void changed(List<ConntrackEvent> events) {
        List<SessionOpened> opened = new ArrayList<>();
        List<SessionTuple> ended = new ArrayList<>();
        Instant now = clock.instant();
        for (ConntrackEvent event : events) {
            ConntrackEntry entry = event.entry();
            Optional<Oriented> oriented = orient(entry.original());
            if (oriented.isEmpty()) {
                continue;
            }
            SessionTuple tuple = oriented.get().tuple();
            boolean tcp = tuple.protocol() == SessionProtocol.TCP;
            boolean closed = tcp && entry.tcpState().map(ENDED_TCP::contains).orElse(false);
            if (event.kind() == ConntrackEvent.Kind.DESTROY || closed) {
                // Conntrack forgot it, or calls it closed once it saw both FINs and an ACK, also while data before
                // them is still unacknowledged: a socket that still sends (CLOSING, LAST_ACK) holds the session.
                if (live.contains(tuple) && heldBySocket(tuple)) {
                    continue;
                }
                waiting.remove(tuple);
                if (live.remove(tuple)) {
                    ended.add(tuple);
                }
                unhold(tuple);
                records.forget(tuple);
                continue;
            }
            if (live.contains(tuple) || waiting.containsKey(tuple)) {
                continue;
            }
            boolean answered = tcp ? entry.tcpState().map(s -> s == ConntrackTcpState.ESTABLISHED).orElse(false)
                    || entry.has(ConntrackStatus.ASSURED) : entry.has(ConntrackStatus.SEEN_REPLY);
            if (!answered) {
                continue;
            }
            Opener opener = oriented.get().opener();
            if (!tcp && opener == Opener.LOCAL && !udpSocketOwns(tuple)) {
                // A reply seen, but no socket of ours owns the port: nothing here to keep alive.
                continue;
            }
            Optional<OpeningProof> proof = records.proof(tuple);
            if (proof.isPresent()) {
                opened.add(report(tuple, opener, proof, now));
            } else {
                waiting.put(tuple, new Waiting(opener, now, System.nanoTime() + RECORD_WAIT.toNanos()));
                scheduleFlush();
            }
        }
        if (!opened.isEmpty()) {
            listener.opened(opened, false);
        }
        if (!ended.isEmpty()) {
            listener.ended(ended);
        }
    }

    /**
     * Whether a live session conntrack forgot goes on, held by its socket: a TCP connection in any state but LISTEN,
     * or a UDP socket connected to exactly the peer (an application's flow with it, paused longer than conntrack's
     * 30 s or 120 s). The rewriting does not need conntrack. A UDP flow on an unconnected socket ends with its entry:
     * nothing else says it is still wanted.
     */
    private boolean heldBySocket(SessionTuple tuple) {
        // Most sessions conntrack calls ended have no socket left (or one in TIME_WAIT): one look settles it, with
        // no watch. A watch started and stopped for each (a netlink socket and a reader thread) kept the tracker
        // busy 1.2 s with 300 connections closing at once in the lab, against 0.55 s now: meanwhile new sessions,
        // and their keys, wait.
        if (!socketHolds(tuple)) {
            unhold(tuple);
            return false;
        }
        try {
            // Watching before the second look: a socket that closes after it is reported.
            watchedEnds++;
            closing.watch();
        } catch (NetlinkException e) {
            LOG.warn("cannot watch sockets close ({}): {} is held until the next dump", e.getMessage(), tuple);
        }
        boolean lives = socketHolds(tuple);
        if (lives) {
            if (held.add(tuple)) {
                LOG.debug("{}: conntrack forgot it, its socket lives: held until the socket closes", tuple);
            }
        } else {
            unhold(tuple);
        }
        return lives;
    }

    private boolean socketHolds(SessionTuple tuple) {
        return tuple.protocol() == SessionProtocol.TCP ? tcpSocketLives(tuple) : udpSocketConnected(tuple);
    }

    private void unhold(SessionTuple tuple) {
        held.remove(tuple);
        if (held.isEmpty()) {
            closing.stop();
        }
    }

    /** Sockets the kernel destroyed: the sessions they held end. */
    private void socketsClosed(List<SessionTuple> sockets) {
        List<SessionTuple> ended = new ArrayList<>();
        for (SessionTuple tuple : sockets) {
            if (held.contains(tuple)) {
                unhold(tuple);
                if (live.remove(tuple)) {
                    ended.add(tuple);
                }
                records.forget(tuple);
            }
        }
        if (!ended.isEmpty()) {
            LOG.debug("{} held session(s) ended with their socket", ended.size());
            listener.ended(ended);
        }
    }

    private SessionOpened report(SessionTuple tuple, Opener opener, Optional<OpeningProof> proof, Instant since) {
        live.add(tuple);
        records.forget(tuple);
        return new SessionOpened(tuple, opener, proof, since);
    }

    /** Sessions whose opening record did not come in time are reported without it. */
    private void scheduleFlush() {
        if (flushScheduled) {
            return;
        }
        flushScheduled = true;
        schedule(RECORD_WAIT, () -> {
            flushScheduled = false;
            long now = System.nanoTime();
            List<SessionOpened> opened = new ArrayList<>();
            waiting.entrySet().removeIf(e -> {
                if (now - e.getValue().deadline() >= 0) {
                    opened.add(report(e.getKey(), e.getValue().opener(), records.proof(e.getKey()),
                            e.getValue().since()));
                    return true;
                }
                return false;
            });
            if (!waiting.isEmpty()) {
                scheduleFlush();
            }
            if (!opened.isEmpty()) {
                listener.opened(opened, false);
            }
        });
    }

    /** A conntrack tuple seen from our side: which end is ours, and who opened it. */
    private record Oriented(SessionTuple tuple, Opener opener) {
    }

    private Optional<Oriented> orient(FlowTuple original) {
        SessionProtocol protocol = original.protocol() == 6 ? SessionProtocol.TCP
                : original.protocol() == 17 ? SessionProtocol.UDP : null;
        if (protocol == null || original.sourcePort() == 0 || original.destinationPort() == 0) {
            return Optional.empty();
        }
        if (protocol == SessionProtocol.UDP && agentUdpPort != 0 && (ours.test(original.source())
                ? original.sourcePort() == agentUdpPort : original.destinationPort() == agentUdpPort)) {
            // The agent's own messages to and from a peer's agent.
            return Optional.empty();
        }
        if (ours.test(original.source()) && ours.test(original.destination())) {
            // Both ends ours (or forged to look so): there is no peer to tell anything.
            return Optional.empty();
        }
        if (ours.test(original.source())) {
            return Optional.of(new Oriented(new SessionTuple(protocol, new Endpoint(original.source(),
                    original.sourcePort()), new Endpoint(original.destination(), original.destinationPort())),
                    Opener.LOCAL));
        }
        if (ours.test(original.destination())) {
            return Optional.of(new Oriented(new SessionTuple(protocol, new Endpoint(original.destination(),
                    original.destinationPort()), new Endpoint(original.source(), original.sourcePort())),
                    Opener.REMOTE));
        }
        return Optional.empty();
    }

    /** Whether the TCP socket of a session is still there (any state but LISTEN). */
    private boolean tcpSocketLives(SessionTuple tuple) {
        try {
            // The lookup finds TIME_WAIT sockets too: they send nothing more but their last ACK.
            return sockets.tcpSocket(new InetSocketAddress(tuple.local().address(), tuple.local().port()),
                    new InetSocketAddress(tuple.remote().address(), tuple.remote().port()), Set.of())
                    .filter(socket -> LIVE_TCP.contains(socket.state())).isPresent();
        } catch (NetlinkException | IllegalArgumentException e) {
            LOG.debug("cannot look up the TCP socket of {}: {}", tuple, e.getMessage());
            return false;
        }
    }

    /** Whether a UDP socket of ours is connected to exactly the session's peer from its local endpoint. */
    private boolean udpSocketConnected(SessionTuple tuple) {
        try {
            SocketFilter ports = SocketFilter.localPort(tuple.local().port())
                    .and(SocketFilter.remotePort(tuple.remote().port()));
            for (SocketInfo socket : sockets.dump(TransportProtocol.UDP, EnumSet.allOf(TcpState.class),
                    Optional.of(ports))) {
                if (tuple.equals(ClosingSockets.connectedTuple(socket))) {
                    return true;
                }
            }
            return false;
        } catch (NetlinkException e) {
            LOG.debug("cannot look up the UDP socket of {}: {}", tuple, e.getMessage());
            return false;
        }
    }

    /** Whether a UDP socket of ours is bound to the session's local port (its address or the wildcard). */
    private boolean udpSocketOwns(SessionTuple tuple) {
        try {
            for (SocketInfo socket : sockets.dump(TransportProtocol.UDP, EnumSet.allOf(TcpState.class),
                    Optional.of(SocketFilter.localPort(tuple.local().port())))) {
                InetAddress bound = socket.local().getAddress();
                if (bound.isAnyLocalAddress() || bound.equals(tuple.local().address())) {
                    return true;
                }
            }
            return false;
        } catch (NetlinkException e) {
            LOG.debug("cannot look up the UDP socket of {}: {}", tuple, e.getMessage());
            return false;
        }
    }

    /**
     * The full picture from the kernel: every live TCP socket of the managed addresses and every answered UDP flow
     * conntrack has for them (oriented by its original direction; one we opened only while a socket of ours still
     * owns the port); what is new is reported opened, what is gone ended. A connected UDP socket proves neither who
     * sent first nor that anyone answered, so sockets alone never make a UDP session; they only keep a live one
     * that conntrack forgot ({@link #heldBySocket}).
     */
    private void dump(String why) {
        dump(why, Optional.empty());
    }

    /**
     * A full dump ({@code scope} empty): every session on our addresses, new ones reported opened and live ones not
     * found reported ended. Or one of the sessions on the addresses of {@code scope} only (those we hold), which
     * reports the new ones and ends nothing: the kernel's filter leaves the other sockets in the kernel.
     */
    private void dump(String why, Optional<Set<InetAddress>> only) {
        // Before the first full dump nothing is known: a look at some addresses is one of all of them.
        Optional<Set<InetAddress>> scope = dumped ? only : Optional.empty();
        Instant now = clock.instant();
        Map<SessionTuple, Opener> found = new LinkedHashMap<>();
        try {
            Set<InetAddress> managed = new HashSet<>();
            for (InetAddress address : managedAddresses.get()) {
                if (!address.isLinkLocalAddress()) {
                    managed.add(address);
                }
            }
            scope.ifPresent(managed::retainAll);
            if (scope.isPresent() && managed.isEmpty()) {
                LOG.debug("session dump ({}): none of {} is ours now", why, scope.get());
                return;
            }
            // One dump of each table, whatever the number of addresses (a host with 10,000 addresses walked every
            // table 10,000 times).
            Set<InetSocketAddress> udpBound = new HashSet<>();
            Set<SessionTuple> udpConnected = new HashSet<>();
            udpSockets(udpBound, udpConnected);
            // TCP sockets first; conntrack (who opened a connection) only for those new to us: at 100,000 live
            // sessions its dump was most of a full dump's work, for no session at all.
            List<SessionTuple> newTcp = new ArrayList<>();
            if (!managed.isEmpty()) {
                Optional<SocketFilter> onlyThese = scope.map(s -> onAny(managed));
                for (SocketInfo socket : sockets.dump(TransportProtocol.TCP, LIVE_TCP, onlyThese)) {
                    if (managed.contains(socket.local().getAddress())) {
                        SessionTuple tuple = tupleOf(SessionProtocol.TCP, socket.local(), socket.remote());
                        found.put(tuple, Opener.UNKNOWN);
                        if (!live.contains(tuple)) {
                            newTcp.add(tuple);
                        }
                    }
                }
            }
            if (!newTcp.isEmpty()) {
                Set<Integer> listening = listeningPorts();
                Map<FlowTuple, ConntrackFlow> tcpFlows = new HashMap<>();
                List<InetAddress> newTcpAddresses = newTcp.stream().map(tuple -> tuple.local().address()).toList();
                for (boolean ipv6 : ConntrackWalks.families(newTcpAddresses)) {
                    conntrackWalks++;
                    for (ConntrackFlow flow : conntrack.flows(6, ipv6)) {
                        tcpFlows.put(flow.original(), flow);
                        tcpFlows.put(flow.reply(), flow);
                    }
                }
                for (SessionTuple tuple : newTcp) {
                    found.put(tuple, tcpOpener(tuple, tcpFlows, listening));
                }
            }
            for (boolean ipv6 : ConntrackWalks.udpFamilies(managed, scope.isPresent(), udpBound)) {
                conntrackWalks++;
                for (ConntrackFlow flow : conntrack.flows(17, ipv6)) {
                    if ((flow.status() & ConntrackStatus.SEEN_REPLY.mask()) == 0) {
                        continue;
                    }
                    Optional<Oriented> oriented = orient(flow.original());
                    if (oriented.isEmpty() || !managed.contains(oriented.get().tuple().local().address())) {
                        continue;
                    }
                    Endpoint local = oriented.get().tuple().local();
                    if (oriented.get().opener() == Opener.LOCAL
                            && !udpBound.contains(new InetSocketAddress(local.address(), local.port()))
                            && !udpBound.contains(new InetSocketAddress(local.port()))) {
                        continue;
                    }
                    found.putIfAbsent(oriented.get().tuple(), oriented.get().opener());
                }
            }
            // Live UDP sessions conntrack forgot go on while their socket is connected to the peer (heldBySocket);
            // one that closes between this dump and the watch is found ended by the next dump.
            for (SessionTuple tuple : live) {
                if (scope.isEmpty() && tuple.protocol() == SessionProtocol.UDP && !found.containsKey(tuple)
                        && udpConnected.contains(tuple)) {
                    found.put(tuple, Opener.UNKNOWN);
                    held.add(tuple);
                }
            }
        } catch (NetlinkException e) {
            LOG.warn("session dump ({}) failed: {}", why, e.getMessage());
            if (scope.isPresent()) {
                findOnAfter(Duration.ofSeconds(1), scope.get(), why);
                return;
            }
            // A retry of its own: the safety net's next round is already scheduled by its loop.
            scheduleDump(Duration.ofSeconds(1), why.equals(SAFETY_NET) ? "retry of the safety net" : why);
            return;
        }
        List<SessionOpened> opened = new ArrayList<>();
        for (Map.Entry<SessionTuple, Opener> entry : found.entrySet()) {
            if (!live.contains(entry.getKey())) {
                waiting.remove(entry.getKey());
                Opener recorded = records.opener(entry.getKey());
                opened.add(report(entry.getKey(), recorded != Opener.UNKNOWN ? recorded : entry.getValue(),
                        records.proof(entry.getKey()), now));
            }
        }
        List<SessionTuple> ended = new ArrayList<>();
        for (SessionTuple tuple : scope.isPresent() ? List.<SessionTuple>of() : List.copyOf(live)) {
            if (!found.containsKey(tuple)) {
                live.remove(tuple);
                ended.add(tuple);
            }
        }
        held.retainAll(live);
        if (held.isEmpty()) {
            closing.stop();
        } else {
            try {
                closing.watch();
            } catch (NetlinkException e) {
                LOG.warn("cannot watch sockets close ({}): {} held session(s) end at the next dump", e.getMessage(),
                        held.size());
            }
        }
        boolean initial = !dumped;
        dumped = true;
        LOG.debug("session dump ({}{}): {} live, {} new, {} ended", why, scope.map(a -> " of " + a).orElse(""),
                found.size(), opened.size(), ended.size());
        if (!opened.isEmpty() || initial) {
            listener.opened(opened, initial);
        }
        if (!ended.isEmpty()) {
            listener.ended(ended);
        }
        if (initial) {
            scheduleDump(SAFETY_DUMP, SAFETY_NET);
        }
    }

    private void scheduleDump(Duration delay, String why) {
        schedule(delay, () -> {
            dump(why);
            if (why.equals(SAFETY_NET)) {
                scheduleDump(SAFETY_DUMP, why);
            }
        });
    }

    /** Sockets whose local address is one of {@code addresses}. */
    private static SocketFilter onAny(Set<InetAddress> addresses) {
        SocketFilter filter = null;
        for (InetAddress address : addresses) {
            SocketFilter one = SocketFilter.localAddress(address);
            filter = filter == null ? one : filter.or(one);
        }
        return filter;
    }

    /** Who opened a TCP connection seen only in a dump: conntrack knows if it saw the SYN; else a listener does. */
    private static Opener tcpOpener(SessionTuple tuple, Map<FlowTuple, ConntrackFlow> flows, Set<Integer> listening) {
        FlowTuple ours = new FlowTuple(tuple.local().address(), tuple.remote().address(), 6, tuple.local().port(),
                tuple.remote().port());
        ConntrackFlow flow = flows.get(ours);
        if (flow != null) {
            return flow.original().equals(ours) ? Opener.LOCAL : Opener.REMOTE;
        }
        return listening.contains(tuple.local().port()) ? Opener.REMOTE : Opener.LOCAL;
    }

    /**
     * From one dump of our UDP sockets: their local endpoints (wildcard ones as port only, address 0) into
     * {@code bound}, and the tuples of the connected ones into {@code connected}.
     */
    private void udpSockets(Set<InetSocketAddress> bound, Set<SessionTuple> connected) throws NetlinkException {
        for (SocketInfo socket : sockets.dump(TransportProtocol.UDP, EnumSet.allOf(TcpState.class),
                Optional.empty())) {
            if (agentUdpPort != 0 && socket.local().getPort() == agentUdpPort) {
                continue;
            }
            InetAddress address = socket.local().getAddress();
            bound.add(address.isAnyLocalAddress() ? new InetSocketAddress(socket.local().getPort())
                    : new InetSocketAddress(address, socket.local().getPort()));
            SessionTuple tuple = ClosingSockets.connectedTuple(socket);
            if (tuple != null) {
                connected.add(tuple);
            }
        }
    }

    private Set<Integer> listeningPorts() throws NetlinkException {
        Set<Integer> ports = new HashSet<>();
        for (SocketInfo socket : sockets.dump(TransportProtocol.TCP, EnumSet.of(TcpState.LISTEN), Optional.empty())) {
            ports.add(socket.local().getPort());
        }
        return ports;
    }

    private static SessionTuple tupleOf(SessionProtocol protocol, InetSocketAddress local, InetSocketAddress remote) {
        return new SessionTuple(protocol, new Endpoint(local.getAddress(), local.getPort()),
                new Endpoint(remote.getAddress(), remote.getPort()));
    }

    private void post(Runnable task) {
        try {
            executor.execute(guarded(task));
        } catch (RejectedExecutionException e) {
            LOG.debug("session tracker closed, task ignored");
        }
    }

    private void schedule(Duration delay, Runnable task) {
        try {
            executor.schedule(guarded(task), delay.toMillis(), TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            LOG.debug("session tracker closed, timer ignored");
        }
    }

    private Runnable guarded(Runnable task) {
        return () -> {
            try {
                task.run();
            } catch (RuntimeException e) {
                LOG.error("session tracker: unexpected {}", e.toString(), e);
            }
        };
    }

    private void pause() {
        try {
            Thread.sleep(ERROR_PAUSE.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running = false;
        }
    }

    public long overruns() {
        return overruns;
    }

    /** How many sessions conntrack called ended had a live socket at the first look (each needed a close watch). */
    long watchedEnds() {
        return watchedEnds;
    }

    /** How many conntrack dumps this tracker made (each walks the host's whole table). */
    long conntrackWalks() {
        return conntrackWalks;
    }

    @Override
    public void close() {
        running = false;
        // The readers wait without a timeout: wake them, so they see the stop at once.
        nflog.wakeup();
        conntrackEvents.wakeup();
        for (Thread thread : new Thread[] {nflogReader, conntrackReader}) {
            try {
                thread.join(STOP_WAIT.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        executor.shutdownNow();
        try {
            executor.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        // After the tracker thread stopped: none of its tasks can start a watch again.
        closing.close();
        nflog.close();
        conntrackEvents.close();
        conntrack.close();
        sockets.close();
    }
}
