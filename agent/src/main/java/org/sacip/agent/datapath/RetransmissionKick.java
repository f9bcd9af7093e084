package org.sacip.agent.datapath;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.sacip.agent.session.Endpoint;
import org.sacip.agent.session.OpeningProof;
import org.sacip.agent.session.Opener;
import org.sacip.agent.session.SessionOpened;
import org.sacip.agent.session.SessionProtocol;
import org.sacip.agent.session.SessionTuple;
import org.sacip.agent.thread.EventThreads;
import org.sacip.netlink.AddressText;
import org.sacip.netlink.NetNamespace;
import org.sacip.netlink.NetlinkException;
import org.sacip.netlink.diag.SockDiagClient;
import org.sacip.netlink.diag.SocketDetail;
import org.sacip.netlink.diag.SocketFilter;
import org.sacip.netlink.diag.SocketInfo;
import org.sacip.netlink.diag.TcpInfo;
import org.sacip.netlink.diag.TcpState;
import org.sacip.netlink.diag.TransportProtocol;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Ends the wait for a backed-off retransmission timer once a move has converged (docs/DATAPATH.md "Retransmission
 * kick"). While a break-before-make move is under way, a TCP sender's retransmissions are lost and its timer backs
 * off (0.2 s, 0.4 s, 0.8 s ...); without help the first packet after the move waits for that timer. When a move of
 * a key lineage has converged (our move acknowledged by the peer; the peer's move applied here), each TCP socket of
 * this host bound to that lineage that has unacknowledged data and a backed-off timer gets, through the local stack,
 * ICMP "host unreachable" errors quoting its oldest unacknowledged segment, one per backoff: RFC 6069 has the
 * sender undo a backoff for each, and retransmit at once when the reverted timeout has already run out. The errors
 * carry no data, so nothing the socket sends or receives changes but the timer.
 *
 * <p>The sequence number must be the socket's {@code snd_una} exactly, or the kernel ignores the error: it is the
 * socket's own initial sequence number (from the SYN-ACK the ruleset logged, {@link #opened}) plus
 * {@code tcpi_bytes_acked}, plus one for the peer's SYN when the peer opened the connection (a client counts its own
 * SYN among the bytes acked). A socket without such a record, a socket that asked for ICMP errors as socket errors
 * (IP_RECVERR: its owner would see EHOSTUNREACH), and IPv6 sockets (Linux's tcp_v6_err does no RFC 6069 reversion)
 * are left to their timer. So is a socket whose timer backed off but whose retransmission count is zero: an
 * acknowledgement moved {@code snd_una} since its last timeout (the peer acknowledges, after the outage, part of what
 * it received just before it), which clears the count and not the backoff, and Linux reverts a backoff only while the
 * count is not zero (such sockets are counted as stranded). At most once per socket per converged move; on its own
 * daemon thread, so the handover thread never waits for it.
 */
public final class RetransmissionKick implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RetransmissionKick.class);
    /** The most errors one socket gets at once: a timer backed off this often has waited minutes already. */
    static final int MAX_REVERSIONS = 16;
    private static final Set<TcpState> STATES = Set.of(TcpState.ESTABLISHED, TcpState.CLOSE_WAIT);
    private static final Set<SocketDetail> TCP_INFO = Set.of(SocketDetail.TCP_INFO);
    /** How long the kick looks for the kernel's answer to its errors. */
    private static final java.time.Duration EFFECT_WAIT = java.time.Duration.ofMillis(20);
    private static final java.time.Duration EFFECT_POLL = java.time.Duration.ofMillis(1);
    /** The most peers one dump names in its filter (about 32 octets each for IPv6). */
    static final int MAX_FILTERED_PEERS = 256;

    /**
     * What became of the sockets of converged moves since the agent started: kicked (errors sent), of those
     * reverted (seen to take effect: the kernel undid a backoff or retransmitted at once; a kick that lost the race
     * with the socket's own timer or an acknowledgement is not counted here), idle (nothing unacknowledged or a timer not backed
     * off: nothing to do), stranded (a backed-off timer the kernel will not revert: its retransmission count was
     * cleared by an acknowledgement since its last timeout), unknown (no record of the opening, or IP_RECVERR set or
     * not known), unsupported (IPv6, with unacknowledged data and a backed-off timer), and failed (sock_diag or the
     * raw socket refused).
     */
    public record Counts(long kicked, long reverted, long idle, long stranded, long unknown, long unsupported,
            long failed) {
    }

    /** A lineage's move that converged, waiting for the kick's thread; {@code at} from System.nanoTime. */
    private record Converged(InetAddress localOriginal, InetAddress peerOriginal, Set<SessionTuple> sessions,
            long at) {
    }

    /** The socket's own initial sequence number, and whether this host opened the connection. */
    private record Opening(long ownIsn, boolean weOpened) {
    }

    private final NetNamespace namespace;
    private final RawIpSender sender;
    private final SockDiagClient diag;
    private final ExecutorService thread;
    private final Map<SessionTuple, Opening> openings = new ConcurrentHashMap<>();
    private final java.util.concurrent.ConcurrentLinkedQueue<Converged> waiting =
            new java.util.concurrent.ConcurrentLinkedQueue<>();
    private final AtomicLong kicked = new AtomicLong();
    private final AtomicLong reverted = new AtomicLong();
    private final AtomicLong idle = new AtomicLong();
    private final AtomicLong stranded = new AtomicLong();
    private final AtomicLong unknown = new AtomicLong();
    private final AtomicLong unsupported = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();

    private RetransmissionKick(NetNamespace namespace, RawIpSender sender, SockDiagClient diag) {
        this.namespace = namespace;
        this.sender = sender;
        this.diag = diag;
        this.thread = Executors.newSingleThreadExecutor(runnable -> {
            Thread t = EventThreads.ordinary(runnable, "sacip-kick");
            t.setDaemon(true);
            return t;
        });
    }

    /** Opens the raw sockets and a sock_diag socket in {@code namespace} ({@code null}: the caller's). */
    public static RetransmissionKick start(NetNamespace namespace, DataPathSettings settings)
            throws DataPathException {
        SockDiagClient diag;
        try {
            diag = namespace == null ? SockDiagClient.open() : SockDiagClient.open(namespace);
        } catch (NetlinkException e) {
            throw new DataPathException("cannot open sock_diag for the retransmission kick", e);
        }
        try {
            RetransmissionKick kick = new RetransmissionKick(namespace, RawIpSender.open(namespace,
                    settings.relayedMark()), diag);
            kick.thread.execute(kick::warmUp);
            return kick;
        } catch (DataPathException | RuntimeException e) {
            diag.close();
            throw e;
        }
    }

    /**
     * Runs the kick's code once with nothing to kick (a dump of the loopback's sockets, an error built and not sent),
     * so that its classes are loaded and the first real kick, which races the socket's own timer, is not slowed by it.
     */
    private void warmUp() {
        try {
            InetAddress loopback = InetAddress.getByAddress(new byte[] {127, 0, 0, 1});
            visitSockets(loopback, Set.of(loopback), RetransmissionKick::tuple);
            UnreachableQuote.ipv4(new SessionTuple(SessionProtocol.TCP, new Endpoint(loopback, 1),
                    new Endpoint(loopback, 1)), 0);
        } catch (NetlinkException | java.net.UnknownHostException e) {
            LOG.debug("retransmission kick warm-up: {}", e.getMessage());
        }
    }

    public Counts counts() {
        return new Counts(kicked.get(), reverted.get(), idle.get(), stranded.get(), unknown.get(), unsupported.get(),
                failed.get());
    }

    /** Remembers the initial sequence numbers of TCP sessions whose opening the agent saw. Any thread. */
    public void opened(Collection<SessionOpened> sessions) {
        for (SessionOpened session : sessions) {
            Optional<OpeningProof> proof = session.proof();
            if (session.tuple().protocol() == SessionProtocol.TCP && proof.isPresent()
                    && session.opener() != Opener.UNKNOWN) {
                byte[] isn = proof.get().ours().toByteArray();
                long own = ((isn[0] & 0xffL) << 24) | ((isn[1] & 0xffL) << 16) | ((isn[2] & 0xffL) << 8)
                        | (isn[3] & 0xffL);
                openings.put(session.tuple(), new Opening(own, session.opener() == Opener.LOCAL));
            }
        }
    }

    /** Forgets ended sessions. Any thread. */
    public void ended(Collection<SessionTuple> sessions) {
        sessions.forEach(openings::remove);
    }

    /**
     * A move of the lineage between our {@code localOriginal} and the peer's {@code peerOriginal} converged, and
     * {@code sessions} are bound to it: kicks those of their TCP sockets that wait for a backed-off timer. Returns at
     * once; the work runs on the kick's thread.
     */
    public void converged(InetAddress localOriginal, InetAddress peerOriginal, Collection<SessionTuple> sessions) {
        Set<SessionTuple> moved = Set.copyOf(sessions.stream()
                .filter(s -> s.protocol() == SessionProtocol.TCP).toList());
        if (moved.isEmpty()) {
            return;
        }
        LOG.debug("move of {} with {} converged: {} TCP session(s) to look at", text(localOriginal),
                text(peerOriginal), moved.size());
        waiting.add(new Converged(localOriginal, peerOriginal, moved, System.nanoTime()));
        try {
            thread.execute(this::kickConverged);
        } catch (RejectedExecutionException e) {
            LOG.debug("retransmission kick closed, {} session(s) left to their timers", moved.size());
        }
    }

    /**
     * Kicks every lineage that converged since the last round, in one round per local address: the lineages of one
     * move converge within milliseconds of each other, and one at a time the tenth of ten peers with 1,000 sockets
     * each was kicked 1.5 to 2.5 s after its convergence, its sockets waiting for their timers all that while.
     */
    private void kickConverged() {
        Map<InetAddress, List<Converged>> byLocal = new java.util.LinkedHashMap<>();
        for (Converged next = waiting.poll(); next != null; next = waiting.poll()) {
            byLocal.computeIfAbsent(next.localOriginal(), a -> new java.util.ArrayList<>()).add(next);
        }
        byLocal.forEach(this::kick);
    }

    private void kick(InetAddress localOriginal, List<Converged> lineages) {
        long start = System.nanoTime();
        long queued = lineages.stream().mapToLong(Converged::at).min().orElse(start);
        Set<InetAddress> peers = new java.util.LinkedHashSet<>();
        Set<SessionTuple> moved = new java.util.HashSet<>();
        for (Converged lineage : lineages) {
            peers.add(lineage.peerOriginal());
            moved.addAll(lineage.sessions());
        }
        // Each socket is kicked as the dump hands it over (at 100,000 sessions the dump held whole was some 60 MB
        // of objects); all errors first, then what the kernel made of them: the check waits for the loopback's
        // backlog once.
        Map<SocketInfo, TcpInfo> sent = new java.util.LinkedHashMap<>();
        List<SessionTuple> strandedNow = new java.util.ArrayList<>();
        try {
            visitSockets(localOriginal, peers, socket -> {
                SessionTuple tuple = tuple(socket);
                if (!moved.contains(tuple)) {
                    return;
                }
                switch (kick(tuple, socket)) {
                    case KICKED -> sent.put(socket, socket.tcpInfo().orElseThrow());
                    case STRANDED -> strandedNow.add(tuple);
                    default -> { }
                }
            });
        } catch (NetlinkException e) {
            failed.addAndGet(moved.size() - sent.size() - strandedNow.size());
            LOG.warn("retransmission kick: cannot list the sockets of {} with {}: {}", text(localOriginal),
                    texts(peers), e.getMessage());
            return;
        }
        if (!strandedNow.isEmpty()) {
            LOG.info("retransmission kick: {} socket(s) of {} with {} wait for a backed-off timer the kernel will not"
                    + " revert: the peer acknowledged part of their data since their last timeout, which clears the"
                    + " retransmission count RFC 6069's reversion needs (first: {})", strandedNow.size(),
                    text(localOriginal), texts(peers), strandedNow.get(0));
        }
        if (sent.isEmpty()) {
            return;
        }
        long errorsSent = System.nanoTime();
        int took = tookEffect(localOriginal, peers, sent);
        reverted.addAndGet(took);
        LOG.info("retransmission kick: {} socket(s) of {} with {} waiting for a backed-off timer, {} reverted; {} ms"
                + " after the convergence (listed and errors sent in {} ms, checked in {} ms)", sent.size(),
                text(localOriginal), texts(peers), took, (System.nanoTime() - queued) / 1_000_000,
                (errorsSent - start) / 1_000_000, (System.nanoTime() - errorsSent) / 1_000_000);
    }

    private static String texts(Set<InetAddress> addresses) {
        return String.join(", ", addresses.stream().map(AddressText::of).toList());
    }

    /**
     * Hands {@code visitor} the TCP sockets between the local address and the peers, with their tcp_info, as one
     * filtered dump delivers them. Beyond {@link #MAX_FILTERED_PEERS} peers, all the sockets of the local address
     * (the caller picks its sessions): the filter grows by a condition per peer, and the kernel takes at most 64 KiB
     * of it.
     */
    private void visitSockets(InetAddress localOriginal, Set<InetAddress> peerOriginals,
            SockDiagClient.SocketVisitor visitor) throws NetlinkException {
        SocketFilter ours = SocketFilter.localAddress(localOriginal);
        if (peerOriginals.size() <= MAX_FILTERED_PEERS) {
            SocketFilter anyPeer = null;
            for (InetAddress peer : peerOriginals) {
                anyPeer = anyPeer == null ? SocketFilter.remoteAddress(peer)
                        : anyPeer.or(SocketFilter.remoteAddress(peer));
            }
            ours = ours.and(anyPeer);
        }
        Optional<SocketFilter> filter = Optional.of(ours);
        // An IPv4 session may be held by a dual-stack IPv6 socket (Java's, for one): the IPv6 dump lists it with
        // its v4-mapped tuple, and its errors come through IPv4's tcp_v4_err all the same.
        if (localOriginal.getAddress().length == 4) {
            diag.dump(TransportProtocol.TCP, STATES, filter, TCP_INFO, visitor);
        } else {
            diag.dump(TransportProtocol.TCP, 6, STATES, filter, TCP_INFO, visitor);
        }
    }

    /** What became of one socket of a converged move. */
    private enum Outcome { KICKED, IDLE, STRANDED, UNKNOWN, UNSUPPORTED, FAILED }

    /** Kicks one socket if it needs it and can be, and counts what became of it. */
    private Outcome kick(SessionTuple tuple, SocketInfo socket) {
        TcpInfo info = socket.tcpInfo().orElse(null);
        if (info == null || info.unacked() == 0 || info.backoff() == 0) {
            LOG.debug("not kicked: {} has {}", tuple, info == null ? "no tcp_info" : info.unacked()
                    + " segment(s) unacknowledged, backoff " + info.backoff());
            idle.incrementAndGet();
            return Outcome.IDLE;
        }
        if (!tuple.isIpv4()) {
            unsupported.incrementAndGet();
            return Outcome.UNSUPPORTED;
        }
        // Unknown before stranded: a socket the agent could not kick in any case says so, whatever its count.
        Opening opening = openings.get(tuple);
        if (opening == null || info.bytesAcked().isEmpty() || socket.receivesErrors().orElse(true)) {
            unknown.incrementAndGet();
            return Outcome.UNKNOWN;
        }
        if (info.retransmits() == 0) {
            // tcp_ld_RTO_revert() ignores the error: nothing to send.
            LOG.debug("not kicked: {} has backoff {} and no retransmission since an acknowledgement ({} segment(s)"
                    + " unacknowledged)", tuple, info.backoff(), info.unacked());
            stranded.incrementAndGet();
            return Outcome.STRANDED;
        }
        long unacknowledged = (opening.ownIsn() + (opening.weOpened() ? 0 : 1) + info.bytesAcked().getAsLong())
                & 0xffffffffL;
        byte[] error = UnreachableQuote.ipv4(tuple, unacknowledged);
        try {
            for (int i = 0; i < Math.min(info.backoff(), MAX_REVERSIONS); i++) {
                sender.send(error, tuple.local().address());
            }
            kicked.incrementAndGet();
            LOG.debug("kicked {} (backoff {}, {} unacknowledged from {})", tuple, info.backoff(), info.unacked(),
                    Long.toUnsignedString(unacknowledged));
            return Outcome.KICKED;
        } catch (DataPathException e) {
            failed.incrementAndGet();
            LOG.debug("kicking {} failed: {}", tuple, e.getMessage());
            return Outcome.FAILED;
        }
    }

    /**
     * How many of the kicked sockets the kernel was seen to take the errors for: a retransmission went out without
     * the backoff going up (the socket's own timer would have raised it; an acknowledgement of it since may have
     * reset it), or the backoff went down with nothing acknowledged meanwhile (an acknowledgement resets it too).
     * The errors reach the sockets through the loopback's backlog, after {@code sendto} returned: looked at until
     * {@link #EFFECT_WAIT} has passed (at least once each). A timer that fires in that time, or a kick taken and
     * acknowledged along with other data, can be miscounted.
     */
    private int tookEffect(InetAddress localOriginal, Set<InetAddress> peerOriginals,
            Map<SocketInfo, TcpInfo> kicked) {
        long deadline = System.nanoTime() + EFFECT_WAIT.toNanos();
        // By endpoints: the same sockets, listed again each round by one dump, not by a query per socket (1,000
        // netlink round trips a round for a peer with 1,000 waiting sockets, while the next kicks wait).
        Map<List<InetSocketAddress>, TcpInfo> pending = new java.util.LinkedHashMap<>();
        kicked.forEach((socket, info) -> pending.put(List.of(socket.local(), socket.remote()), info));
        int took = 0;
        while (true) {
            // Only the kicked sockets are kept from each dump.
            Map<List<InetSocketAddress>, TcpInfo> now = new java.util.HashMap<>();
            try {
                visitSockets(localOriginal, peerOriginals, socket -> {
                    List<InetSocketAddress> endpoints = List.of(socket.local(), socket.remote());
                    if (pending.containsKey(endpoints)) {
                        socket.tcpInfo().ifPresent(info -> now.put(endpoints, info));
                    }
                });
            } catch (NetlinkException e) {
                LOG.debug("cannot look at the sockets of {} with {} after the kick: {}", text(localOriginal),
                        texts(peerOriginals), e.getMessage());
                return took;
            }
            for (java.util.Iterator<Map.Entry<List<InetSocketAddress>, TcpInfo>> it = pending.entrySet().iterator();
                    it.hasNext();) {
                Map.Entry<List<InetSocketAddress>, TcpInfo> entry = it.next();
                TcpInfo after = now.get(entry.getKey());
                if (after == null) {
                    it.remove();
                } else if (took(entry.getValue(), after)) {
                    took++;
                    it.remove();
                }
            }
            if (pending.isEmpty() || System.nanoTime() >= deadline) {
                return took;
            }
            LockSupport.parkNanos(EFFECT_POLL.toNanos());
        }
    }

    private static boolean took(TcpInfo before, TcpInfo now) {
        boolean retransmitted = now.totalRetrans() > before.totalRetrans() && now.backoff() <= before.backoff();
        boolean reverted = now.backoff() < before.backoff() && now.bytesAcked().equals(before.bytesAcked());
        return retransmitted || reverted;
    }

    private static SessionTuple tuple(SocketInfo socket) {
        return new SessionTuple(SessionProtocol.TCP, endpoint(socket.local()), endpoint(socket.remote()));
    }

    private static Endpoint endpoint(InetSocketAddress address) {
        return new Endpoint(address.getAddress(), address.getPort());
    }

    private static String text(InetAddress address) {
        return AddressText.of(address);
    }

    /** Stops the thread (a kick under way finishes) and closes its sockets. */
    @Override
    public void close() {
        thread.shutdownNow();
        try {
            if (!thread.awaitTermination(2, TimeUnit.SECONDS)) {
                LOG.warn("the retransmission kick did not stop within 2 s; its sockets stay open");
                return;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        sender.close();
        diag.close();
    }

    @Override
    public String toString() {
        return "retransmission kick" + (namespace == null ? "" : " in " + namespace.path());
    }
}
