package org.sacip.agent.handover;

import org.sacip.netlink.AddressText;
import java.net.InetAddress;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.sacip.agent.datapath.DataPath;
import org.sacip.agent.datapath.DataPathException;
import org.sacip.agent.datapath.Ghost;
import org.sacip.agent.datapath.Remapping;
import org.sacip.agent.datapath.SessionTuple;
import org.sacip.agent.move.MoveKind;
import org.sacip.agent.move.MovePlan;
import org.sacip.agent.peer.protocol.PeerProtocolListener;
import org.sacip.agent.session.PeerSessions;
import org.sacip.agent.session.RecentUdpFlows;
import org.sacip.agent.session.Session;
import org.sacip.agent.session.SessionDiscovery;
import org.sacip.agent.session.SessionObservation;
import org.sacip.agent.state.LatestSnapshotWriter;
import org.sacip.netlink.NetlinkException;
import org.sacip.protocol.message.SacipAddress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Carries out moves across the data path and the peer protocol, in the order datapath.md requires: for our own
 * move, the inbound rewrite and the ghost first, then the update to the peer, and the outbound rewrite only once
 * the peer confirmed; for the peer's move, its rewrite is in place before the engine acknowledges (the listener
 * runs synchronously on the engine thread). Peers without an agent keep the old address through a ghost.
 * Every method takes the one lock: move plans (event thread), peer callbacks (engine thread), session ends and
 * standby ghosts (maintenance thread) and the control socket's flush never interleave.
 */
public final class Handover implements PeerProtocolListener {
    private static final Logger LOG = LoggerFactory.getLogger(Handover.class);

    /** Sends one address update per peer (the peer protocol's {@code announceMove}). */
    @FunctionalInterface
    public interface Announcer {
        void announce(SacipAddress localOriginal, SacipAddress newCurrent, Collection<SacipAddress> peers);
    }

    /** Starts following sessions to their end (the session end watcher, on its own thread). */
    @FunctionalInterface
    public interface EndTracking {
        void track(List<Session> sessions, SessionObservation.End end);
    }

    /** Closes sockets at once (SOCK_DESTROY), for the option that ends sessions with peers without an agent. */
    @FunctionalInterface
    public interface SocketCloser {
        int destroy(InetAddress localAddress, Set<SessionTuple> sessions) throws NetlinkException;
    }

    private final DataPath dataPath;
    private final SessionBook book;
    private final PeerDirectory peers;
    private final HandoverStore store;
    private final SessionDiscovery discovery;
    private final RecentUdpFlows recentFlows;
    private final EndTracking tracking;
    private final HandoverEvents events;
    private final Optional<SocketCloser> legacyCloser;
    private final Clock clock;
    private final Map<InetAddress, MoveProgress> progress = new HashMap<>();
    private final LatestSnapshotWriter<List<HandoverStore.Saved>> saver;
    private Announcer announcer = (original, current, to) -> { };
    private long moves;

    /**
     * @param legacyCloser present when sessions with peers without an agent are to be ended at once on a move
     */
    public Handover(DataPath dataPath, SessionBook book, PeerDirectory peers, HandoverStore store,
            SessionDiscovery discovery, RecentUdpFlows recentFlows, EndTracking tracking, HandoverEvents events,
            Optional<SocketCloser> legacyCloser, Clock clock) {
        this.dataPath = dataPath;
        this.book = book;
        this.peers = peers;
        this.store = store;
        this.discovery = discovery;
        this.recentFlows = recentFlows;
        this.tracking = tracking;
        this.events = events;
        this.legacyCloser = legacyCloser;
        this.clock = clock;
        this.saver = new LatestSnapshotWriter<>("handovers", store::save);
    }

    /** The peer protocol is made after this (it needs this as its listener): connect the two. */
    public synchronized void announceWith(Announcer announcer) {
        this.announcer = announcer;
    }

    public synchronized long moves() {
        return moves;
    }

    // ---- our moves ----

    /** Carries out a move plan from the move monitor. */
    public synchronized void execute(MovePlan plan) throws DataPathException {
        ensureInstalled();
        Instant now = clock.instant();
        boolean home = plan.kind() == MoveKind.RETURN_HOME;
        InetAddress original = plan.original();
        Map<SessionTuple, Remapping> current = dataPath.remappings();
        List<Remapping> changes = new ArrayList<>();
        List<SessionTuple> pending = new ArrayList<>();
        List<SessionTuple> legacy = new ArrayList<>();
        List<SessionTuple> finished = new ArrayList<>();
        Set<InetAddress> agentPeers = new LinkedHashSet<>();
        List<Session> sessions = new ArrayList<>();
        for (PeerSessions group : plan.peers()) {
            sessions.addAll(group.sessions());
            List<SessionTuple> tuples = group.sessions().stream().map(SessionTuples::of).toList();
            boolean agent = peers.capability(new PeerPath(original, group.peer())) == PeerCapability.AGENT;
            if (agent) {
                agentPeers.add(group.peer());
            }
            for (SessionTuple tuple : tuples) {
                Remapping previous = current.get(tuple);
                InetAddress remote = previous == null ? tuple.remote().address() : previous.activeRemote();
                if (home) {
                    if (agent && previous != null) {
                        // Send from home at once (the peer's socket takes its original tuple as it is) but keep
                        // receiving at the moved address until the peer confirms the return.
                        changes.add(new Remapping(tuple, previous.activeLocal(), remote, false));
                        pending.add(tuple);
                    } else {
                        Remapping back = new Remapping(tuple, original, remote, true);
                        changes.add(back);
                        if (back.isIdentity()) {
                            finished.add(tuple);
                        }
                    }
                } else if (agent) {
                    changes.add(new Remapping(tuple, plan.newActive(), remote, false));
                    pending.add(tuple);
                } else {
                    legacy.add(tuple);
                }
            }
        }
        if (!legacy.isEmpty()) {
            dataPath.holdGhosts(legacy);
        }
        dataPath.apply(changes);
        if (home) {
            // Back on its interface: the ghost must answer ARP again and take new connections.
            Optional<Ghost> ghost = dataPath.ghosts().stream().filter(g -> g.address().equals(original)).findFirst();
            if (ghost.isPresent() && ghost.get().active()) {
                dataPath.deactivateGhost(original);
            }
        }
        book.put(pending, SessionState.PENDING, now);
        book.put(legacy, SessionState.LEGACY, now);
        book.remove(finished);
        moves++;
        persist();
        tracking.track(sessions, SessionObservation.End.LOCAL);
        LOG.info("move {} (was {}) -> {} on {} ({}): {} session(s), {} peer(s), {} with an agent; planned in {} ms",
                text(original),
                text(plan.previousActive()), text(plan.newActive()), plan.interfaceName(),
                plan.kind().name().toLowerCase(java.util.Locale.ROOT).replace('_', '-'), plan.sessionCount(),
                plan.peers().size(), agentPeers.size(), java.time.Duration.between(plan.seenAt(), now).toMillis());
        events.publish("move", "move " + text(original) + " -> " + text(plan.newActive()), Map.of("original",
                text(original), "previous", text(plan.previousActive()), "active", text(plan.newActive()),
                "interface", plan.interfaceName(), "kind", plan.kind().name(), "sessions",
                Integer.toString(plan.sessionCount()), "peers", Integer.toString(plan.peers().size())));
        if (!agentPeers.isEmpty()) {
            progress.put(original, new MoveProgress(original, plan.newActive(), plan.seenAt(), plan.sessionCount(),
                    agentPeers));
            announcer.announce(SacipAddress.of(original), SacipAddress.of(plan.newActive()),
                    agentPeers.stream().map(SacipAddress::of).toList());
        }
        if (!legacy.isEmpty() && !home) {
            closeLegacy(original, legacy);
        }
    }

    private void closeLegacy(InetAddress original, List<SessionTuple> legacy) {
        if (legacyCloser.isEmpty()) {
            return;
        }
        // Only sessions whose peer our own probes found without an agent; a peer still being probed is left be.
        Set<SessionTuple> noAgent = new LinkedHashSet<>();
        for (SessionTuple tuple : legacy) {
            if (peers.capability(new PeerPath(original, tuple.remote().address())) == PeerCapability.NONE) {
                noAgent.add(tuple);
            }
        }
        if (noAgent.isEmpty()) {
            return;
        }
        try {
            int closed = legacyCloser.get().destroy(original, noAgent);
            LOG.info("closed {} session(s) of {} with peers without an agent, so applications reconnect", closed,
                    text(original));
        } catch (NetlinkException e) {
            LOG.warn("cannot close sessions of {} with peers without an agent: {}", text(original), e.getMessage());
        }
    }

    @Override
    public synchronized void moveConfirmed(OwnMove move) {
        movesConfirmed(List.of(move));
    }

    /** Our move confirmed by several peers at once: every outbound rewrite in one data-path change. */
    @Override
    public synchronized void movesConfirmed(List<OwnMove> moves) {
        long started = System.nanoTime();
        Map<SessionTuple, Remapping> current = dataPath.remappings();
        List<Remapping> changes = new ArrayList<>();
        List<SessionTuple> active = new ArrayList<>();
        List<SessionTuple> finished = new ArrayList<>();
        for (OwnMove move : moves) {
            PeerPath path = PeerPath.of(move.localOriginal(), move.peerOriginal());
            InetAddress now = move.current().toInetAddress();
            boolean home = now.equals(path.local());
            for (SessionBook.Entry entry : book.ofPath(path)) {
                Remapping remapping = current.get(entry.tuple());
                if (remapping == null) {
                    continue;
                }
                if (home) {
                    Remapping back = new Remapping(entry.tuple(), now, remapping.activeRemote(), true);
                    changes.add(back);
                    (back.isIdentity() ? finished : active).add(entry.tuple());
                } else if (remapping.activeLocal().equals(now)) {
                    changes.add(remapping.confirmed());
                    active.add(entry.tuple());
                }
            }
        }
        try {
            ensureInstalled();
            dataPath.apply(changes);
        } catch (DataPathException e) {
            LOG.error("cannot send from the new address after {} confirmation(s): {}", moves.size(), e.getMessage());
            return;
        }
        LOG.debug("{} confirmation(s): {} session(s) changed in {} us", moves.size(), changes.size(),
                (System.nanoTime() - started) / 1000);
        Instant at = clock.instant();
        book.put(active, SessionState.ACTIVE, at);
        book.remove(finished);
        persist();
        for (OwnMove move : moves) {
            PeerPath path = PeerPath.of(move.localOriginal(), move.peerOriginal());
            String to = AddressText.of(move.current().toInetAddress());
            LOG.debug("{} confirmed our move to {} (sequence {})", text(path.peer()), to,
                    Long.toUnsignedString(move.sequence()));
            events.publish("ack", text(path.peer()) + " confirmed " + text(path.local()) + " -> " + to,
                    Map.of("peer", text(path.peer()), "original", text(path.local()), "active", to, "sequence",
                            Long.toUnsignedString(move.sequence())));
            answered(path, true, at);
        }
    }

    @Override
    public synchronized void moveNotConfirmed(OwnMove move) {
        PeerPath path = PeerPath.of(move.localOriginal(), move.peerOriginal());
        InetAddress now = move.current().toInetAddress();
        Map<SessionTuple, Remapping> current = dataPath.remappings();
        boolean home = now.equals(path.local());
        List<Remapping> changes = new ArrayList<>();
        List<SessionTuple> refused = new ArrayList<>();
        List<SessionTuple> finished = new ArrayList<>();
        for (SessionBook.Entry entry : book.ofPath(path)) {
            Remapping remapping = current.get(entry.tuple());
            if (remapping != null && remapping.localMoved() && !remapping.sendFromActiveLocal()) {
                // As without an agent: the original tuple on the wire (after a return home, that is all there is
                // to do); after a move away, the old address kept by a standby ghost.
                Remapping back = new Remapping(entry.tuple(), path.local(), remapping.activeRemote(), true);
                changes.add(back);
                (home && back.isIdentity() ? finished : refused).add(entry.tuple());
            }
        }
        try {
            ensureInstalled();
            dataPath.apply(changes);
            if (!home) {
                dataPath.holdGhosts(refused);
            }
        } catch (DataPathException e) {
            LOG.error("cannot undo the unconfirmed move of {} towards {}: {}", path.local(), path.peer(),
                    e.getMessage());
        }
        Instant at = clock.instant();
        book.put(refused, SessionState.REFUSED, at);
        book.remove(finished);
        persist();
        LOG.warn("{} did not confirm the move of {} to {}: its {} session(s) go on as without an agent",
                text(path.peer()), text(path.local()), move.current(), refused.size());
        events.publish("refused", text(path.peer()) + " did not confirm " + text(path.local()) + " -> "
                + move.current(), Map.of("peer", text(path.peer()), "original", text(path.local()), "active",
                        AddressText.of(move.current().toInetAddress()), "sessions", Integer.toString(refused.size())));
        answered(path, false, at);
    }

    private void answered(PeerPath path, boolean ok, Instant at) {
        MoveProgress move = progress.get(path.local());
        if (move != null && move.answered(path.peer(), ok)) {
            progress.remove(path.local());
            LOG.info("move {} -> {} converged in {} ms: {} peer(s) confirmed, {} did not", text(move.original),
                    text(move.newActive), move.elapsed(at).toMillis(), move.confirmed(), move.refused());
            events.publish("converged", "move " + text(move.original) + " -> " + text(move.newActive)
                    + " converged", Map.of("original", text(move.original), "active", text(move.newActive),
                            "ms", Long.toString(move.elapsed(at).toMillis()), "confirmed",
                            Integer.toString(move.confirmed()), "refused", Integer.toString(move.refused())));
        }
    }

    // ---- the peer's moves ----

    @Override
    public synchronized void keyEstablished(SacipAddress localOriginal, SacipAddress peerOriginal) {
        PeerPath path = PeerPath.of(localOriginal, peerOriginal);
        peers.keyAgreed(path, clock.instant());
        events.publish("key", "key agreed with " + peerOriginal + " from " + localOriginal,
                Map.of("peer", AddressText.of(peerOriginal.toInetAddress()), "local", AddressText.of(localOriginal.toInetAddress())));
    }

    @Override
    public synchronized void keyExpired(SacipAddress localOriginal, SacipAddress peerOriginal) {
        PeerPath path = PeerPath.of(localOriginal, peerOriginal);
        peers.forget(path);
        LOG.warn("key with {} from {} expired without renewal: its sessions keep their rewriting but cannot move "
                + "until a new key is agreed", AddressText.of(path.peer()), AddressText.of(path.local()));
        events.publish("key-expired", "key with " + AddressText.of(path.peer()) + " expired", Map.of("peer",
                AddressText.of(path.peer()), "local", AddressText.of(path.local())));
    }

    @Override
    public synchronized void peerMoved(SacipAddress localOriginal, SacipAddress peerOriginal,
            SacipAddress peerCurrent) {
        peersMoved(List.of(new PeerMove(localOriginal, peerOriginal, peerCurrent)));
    }

    /**
     * The peers' checked moves, all in one data-path change: one socket dump per peer address (covering every local
     * address the batch names) and one nft transaction, then the engine acknowledges them all.
     */
    @Override
    public synchronized void peersMoved(List<PeerMove> moves) {
        long started = System.nanoTime();
        Map<InetAddress, List<Session>> socketsByPeer = new HashMap<>();
        try {
            for (PeerMove move : moves) {
                InetAddress peer = move.peerOriginal().toInetAddress();
                if (!socketsByPeer.containsKey(peer)) {
                    socketsByPeer.put(peer, discovery.socketsWithRemoteAddress(peer));
                }
            }
        } catch (NetlinkException e) {
            LOG.error("cannot find the sessions of {} peer move(s): {}", moves.size(), e.getMessage());
            return;
        }
        Map<SessionTuple, Remapping> current = dataPath.remappings();
        List<Remapping> changes = new ArrayList<>();
        List<SessionTuple> active = new ArrayList<>();
        List<SessionTuple> pending = new ArrayList<>();
        List<SessionTuple> finished = new ArrayList<>();
        List<Session> all = new ArrayList<>();
        Map<PeerMove, Integer> counts = new LinkedHashMap<>();
        for (PeerMove move : moves) {
            PeerPath path = PeerPath.of(move.localOriginal(), move.peerOriginal());
            InetAddress newRemote = move.peerCurrent().toInetAddress();
            List<Session> sessions = new ArrayList<>();
            for (Session session : socketsByPeer.get(path.peer())) {
                if (session.local().getAddress().equals(path.local())) {
                    sessions.add(session);
                }
            }
            sessions.addAll(recentFlows.between(path.local(), path.peer()));
            counts.put(move, sessions.size());
            all.addAll(sessions);
            for (Session session : sessions) {
                SessionTuple tuple = SessionTuples.of(session);
                Remapping previous = current.get(tuple);
                Remapping next = previous == null ? Remapping.peerMove(tuple, newRemote)
                        : previous.withActiveRemote(newRemote);
                changes.add(next);
                if (next.isIdentity()) {
                    finished.add(tuple);
                } else if (next.localMoved() && !next.sendFromActiveLocal()) {
                    pending.add(tuple);
                } else {
                    active.add(tuple);
                }
            }
        }
        long found = System.nanoTime();
        try {
            ensureInstalled();
            dataPath.apply(changes);
        } catch (DataPathException e) {
            LOG.error("cannot follow {} peer move(s): {}", moves.size(), e.getMessage());
            return;
        }
        LOG.debug("{} peer move(s): {} session(s) found in {} us, data path changed in {} us", moves.size(),
                all.size(), (found - started) / 1000, (System.nanoTime() - found) / 1000);
        Instant now = clock.instant();
        book.put(active, SessionState.ACTIVE, now);
        book.put(pending, SessionState.PENDING, now);
        book.remove(finished);
        persist();
        tracking.track(all, SessionObservation.End.REMOTE);
        counts.forEach((move, count) -> {
            String peer = AddressText.of(move.peerOriginal().toInetAddress());
            String to = AddressText.of(move.peerCurrent().toInetAddress());
            String local = AddressText.of(move.localOriginal().toInetAddress());
            LOG.info("peer {} moved to {}: {} session(s) from {} follow it", peer, to, count, local);
            events.publish("peer-moved", "peer " + peer + " moved to " + to, Map.of("peer", peer, "active", to,
                    "local", local, "sessions", Integer.toString(count)));
        });
    }

    // ---- session ends, standby ghosts ----

    /**
     * The sessions ended: their entries and ghost holds go. Returns the original local addresses that have no
     * moved session left (their moves are over).
     */
    public synchronized Set<InetAddress> sessionsEnded(List<Session> ended) throws DataPathException {
        if (ended.isEmpty()) {
            return Set.of();
        }
        List<SessionTuple> tuples = ended.stream().map(SessionTuples::of).toList();
        if (dataPath.isInstalled()) {
            dataPath.remove(tuples);
        }
        book.remove(tuples);
        persist();
        Set<InetAddress> over = new LinkedHashSet<>();
        for (SessionTuple tuple : tuples) {
            InetAddress original = tuple.local().address();
            if (!book.hasLocalOriginal(original)) {
                over.add(original);
            }
        }
        for (SessionTuple tuple : tuples) {
            events.publish("session-end", "session ended: " + tuple, Map.of("session", tuple.toString()));
        }
        LOG.debug("{} moved session(s) ended; moves over for {}", tuples.size(), over);
        return over;
    }

    /**
     * Makes the standby ghosts match {@code wanted}: every session with a peer whose agent is known holds the ghost
     * of its local address, so a make-before-break move loses no packet. Sessions the book carries keep theirs.
     */
    public synchronized void keepStandby(Set<SessionTuple> wanted) throws DataPathException {
        if (!dataPath.isInstalled()) {
            // After a flush: nothing is added back until the next move.
            return;
        }
        Set<SessionTuple> held = new HashSet<>();
        for (Ghost ghost : dataPath.ghosts()) {
            for (SessionTuple holder : ghost.holders()) {
                if (holder.local().address().equals(ghost.address())) {
                    held.add(holder);
                }
            }
        }
        List<SessionTuple> add = wanted.stream().filter(t -> !held.contains(t)).toList();
        List<SessionTuple> release = held.stream().filter(t -> !wanted.contains(t) && !book.contains(t)).toList();
        if (!add.isEmpty()) {
            dataPath.holdGhosts(add);
        }
        if (!release.isEmpty()) {
            dataPath.releaseGhosts(release);
        }
    }

    // ---- restart, flush ----

    /**
     * After a restart: installs the saved state the kernel should already have (so nothing changes on the wire),
     * returns the saved moves of our own addresses (original to active) for the move monitor.
     */
    public synchronized Map<InetAddress, InetAddress> resume(List<HandoverStore.Saved> saved)
            throws DataPathException {
        List<Remapping> remappings = new ArrayList<>();
        Map<InetAddress, Set<SessionTuple>> holders = new HashMap<>();
        Map<InetAddress, Boolean> activeGhosts = new HashMap<>();
        Map<InetAddress, InetAddress> ownMoves = new HashMap<>();
        for (HandoverStore.Saved s : saved) {
            InetAddress original = s.tuple().local().address();
            s.remapping().ifPresent(remappings::add);
            boolean moved = s.remapping().map(Remapping::localMoved).orElse(false);
            if (moved || s.state() == SessionState.LEGACY || s.state() == SessionState.REFUSED) {
                holders.computeIfAbsent(original, a -> new LinkedHashSet<>()).add(s.tuple());
                activeGhosts.merge(original, moved, Boolean::logicalOr);
            }
            if (moved) {
                ownMoves.put(original, s.remapping().get().activeLocal());
            }
            book.put(List.of(s.tuple()), s.state(), s.since());
        }
        List<Ghost> ghosts = new ArrayList<>();
        holders.forEach((address, tuples) -> ghosts.add(new Ghost(address, activeGhosts.get(address), tuples)));
        dataPath.install(remappings, ghosts);
        LOG.info("resumed {} moved session(s), {} ghost(s) from {}", saved.size(), ghosts.size(), store.file());
        return ownMoves;
    }

    /** Our moves still waiting for their peers after a restart: announce them again (fresh sequence numbers). */
    public synchronized void reannouncePending() {
        Map<PeerPath, InetAddress> targets = new HashMap<>();
        Map<SessionTuple, Remapping> current = dataPath.remappings();
        for (SessionBook.Entry entry : book.matching(e -> e.state() == SessionState.PENDING)) {
            Remapping remapping = current.get(entry.tuple());
            if (remapping != null && remapping.localMoved() && !remapping.sendFromActiveLocal()) {
                targets.put(new PeerPath(entry.localOriginal(), entry.peer()), remapping.activeLocal());
            }
        }
        targets.forEach((path, active) -> announcer.announce(path.sacipLocal(), SacipAddress.of(active),
                List.of(path.sacipPeer())));
    }

    /** Removes everything the agent added; returns how many sessions and ghosts went. */
    public synchronized int[] flush() throws DataPathException {
        int sessions = Math.max(book.size(), dataPath.remappings().size());
        int ghosts = dataPath.ghosts().size();
        dataPath.flush();
        book.clear();
        progress.clear();
        persist();
        LOG.info("flushed: {} session(s) and {} ghost(s) no longer remapped", sessions, ghosts);
        events.publish("flush", "all remapping removed", Map.of("sessions", Integer.toString(sessions), "ghosts",
                Integer.toString(ghosts)));
        return new int[] {sessions, ghosts};
    }

    private void ensureInstalled() throws DataPathException {
        if (!dataPath.isInstalled()) {
            dataPath.install();
        }
    }

    private void persist() {
        Map<SessionTuple, Remapping> remappings = dataPath.isInstalled() ? dataPath.remappings() : Map.of();
        List<HandoverStore.Saved> saved = new ArrayList<>();
        for (SessionBook.Entry entry : book.all()) {
            saved.add(new HandoverStore.Saved(entry.tuple(), Optional.ofNullable(remappings.get(entry.tuple())),
                    entry.state(), entry.since()));
        }
        saver.submit(saved);
    }

    /** Writes what is still waiting to be saved (at shutdown). */
    public void closeSaver() {
        saver.close();
    }

    private static String text(InetAddress address) {
        return AddressText.of(address);
    }
}
