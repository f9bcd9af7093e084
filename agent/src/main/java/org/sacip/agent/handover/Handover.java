package org.sacip.agent.handover;

import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.sacip.agent.datapath.DataPath;
import org.sacip.agent.datapath.DataPathException;
import org.sacip.agent.datapath.Ghost;
import org.sacip.agent.datapath.GhostChange;
import org.sacip.agent.datapath.RemapConflictException;
import org.sacip.agent.datapath.Remapping;
import org.sacip.agent.move.MoveKind;
import org.sacip.agent.move.MovePlan;
import org.sacip.agent.peer.protocol.AssociationView;
import org.sacip.agent.peer.protocol.BindingChange;
import org.sacip.agent.peer.protocol.EngineChange;
import org.sacip.agent.peer.protocol.HandoverPort;
import org.sacip.agent.session.Endpoint;
import org.sacip.agent.session.PeerSessions;
import org.sacip.agent.session.Session;
import org.sacip.agent.session.SessionProtocol;
import org.sacip.agent.session.SessionTuple;
import org.sacip.agent.state.CostPacing;
import org.sacip.agent.thread.EventThreads;
import org.sacip.control.EventType;
import org.sacip.control.SessionState;
import org.sacip.netlink.AddressText;
import org.sacip.protocol.message.Octets;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Carries out moves in the data path, on a thread of its own: our moves (the inbound rewrite and the ghost first,
 * then the peers are told; the outbound rewrite once a peer confirmed), the peers' checked moves (committed before
 * the engine acknowledges), bindings, session ends, restarts and flushes. What each session needs comes from the
 * pure {@link HandoverPlanner}; a change that conflicts with other sessions fails for its own lineage only, never
 * for the others in the same batch. Readers get a {@link HandoverView} published after changes; nothing here waits
 * for them or they for it.
 */
public final class Handover implements HandoverPort, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Handover.class);
    private static final Duration MAINTENANCE = Duration.ofSeconds(1);
    private static final Duration VIEW_DELAY = Duration.ofMillis(100);
    private final CostPacing viewPacing = new CostPacing(VIEW_DELAY);
    private final CostPacing savePacing = new CostPacing(VIEW_DELAY);

    /** Closes sockets at once (SOCK_DESTROY), for the option that ends sessions with peers without an agent. */
    @FunctionalInterface
    public interface SocketCloser {
        int destroy(InetAddress localAddress, Set<SessionTuple> sessions) throws org.sacip.netlink.NetlinkException;
    }

    /**
     * Learns of the data path's ghosts, of addresses whose moved sessions all ended, and of moves that converged for
     * a key lineage.
     */
    public interface Observer {
        /** The data path's ghost addresses, and the addresses moved sessions send from instead of their own. */
        void addresses(Set<InetAddress> ghosts, Set<InetAddress> sendingFrom);

        void movesOver(Set<InetAddress> originals);

        /**
         * A move of the lineage between our {@code localOriginal} and the peer's {@code peerOriginal} converged and
         * is in the data path: the peer acknowledged ours, or its checked move is committed here; or the lineage's
         * tunnel came up, and its sessions go through it from now on. {@code sessions} are bound to the lineage. On
         * the handover thread: must not wait.
         */
        default void moveConverged(InetAddress localOriginal, InetAddress peerOriginal, Set<SessionTuple> sessions) {
        }

        /** One of our moves began (its inbound rewrite and ghost are in). On the handover thread: must not wait. */
        default void moveStarted(MoveKind kind) {
        }

        /**
         * One of our moves ended; {@code convergence} is the time from its first address event to the last answer of
         * its key lineages, present when it waited for them (as the "converged" event). On the handover thread.
         */
        default void moveEnded(MoveKind kind, MoveOutcome outcome, Optional<Duration> convergence) {
        }
    }

    /** Where our original address moved; {@code originalInPlace}: it is still on its interface (a route change). */
    private record LocalMove(InetAddress movedTo, MoveKind kind, Instant since, boolean originalInPlace) {
    }

    private record Lineage(InetAddress localOriginal, InetAddress peerOriginal,
            HandoverPlanner.LineageState state) {

        Lineage(AssociationView view, boolean moveRefused) {
            this(view.localOriginal().toInetAddress(), view.peerOriginal().toInetAddress(),
                    lineageState(view, moveRefused));
        }
    }

    /** A session's state and since when, as committed into the data path's {@code install}-th installation. */
    private record BookEntry(SessionState state, Instant since, long install) {
    }

    /** A touched session as the planner wants it, with its book entry before the change ({@code null}: none). */
    private record Planned(SessionTuple tuple, BookEntry before, Remapping remapping, SessionState state) {
    }

    private final DataPath dataPath;
    private final HandoverStore store;
    private final HandoverEvents events;
    private final Optional<SocketCloser> legacyCloser;
    private final Observer observer;
    private final Clock clock;
    private final ScheduledExecutorService loop;
    private final org.sacip.agent.state.LatestSnapshotWriter<HandoverStore.State> saver;
    // Everything below is touched on the loop thread only.
    private final Map<InetAddress, LocalMove> localMoves = new HashMap<>();
    /** Our original addresses whose latest move went into the data path in full. */
    private final Set<InetAddress> settledMoves = new HashSet<>();
    private final Map<Octets, Lineage> lineages = new HashMap<>();
    private final Map<SessionTuple, Octets> bindings = new HashMap<>();
    /** Sessions bound through a NAT that translates the peer: the endpoint the peer's own socket uses. */
    private final Map<SessionTuple, Endpoint> peerOwn = new HashMap<>();
    private TunnelCarrier carrier = TunnelCarrier.NONE;
    /** Sessions the tunnel data plane was told about, and the pairs of those we carry from behind a NAT. */
    private final Set<SessionTuple> tunnelSessions = new HashSet<>();
    /** The carried TCP sessions whose sockets' route the tunnel's rules take. */
    private final Set<SessionTuple> routedSessions = new HashSet<>();
    private final Map<SessionTuple, String> unbound = new HashMap<>();
    private final Map<InetAddress, Set<SessionTuple>> byLocal = new HashMap<>();
    private final Map<Octets, Set<SessionTuple>> byLineage = new HashMap<>();
    private final Map<SessionTuple, BookEntry> book = new HashMap<>();
    private final Map<InetAddress, MoveProgress> progress = new HashMap<>();
    /** The engine's changes not yet taken by the handover thread (any thread adds). */
    private final java.util.concurrent.ConcurrentLinkedQueue<PendingChange> pendingChanges =
            new java.util.concurrent.ConcurrentLinkedQueue<>();
    private long moves;
    private boolean viewScheduled;
    private boolean maintenanceScheduled;
    private boolean persistScheduled;
    /** The saved state is behind the book, and the build of the next snapshot is posted (handover thread only). */
    private boolean saveWanted;
    private boolean saveBuildPosted;
    private volatile HandoverView view = HandoverView.EMPTY;

    public Handover(DataPath dataPath, HandoverStore store, HandoverEvents events,
            Optional<SocketCloser> legacyCloser, Observer observer, Clock clock) {
        this.dataPath = dataPath;
        this.store = store;
        this.events = events;
        this.legacyCloser = legacyCloser;
        this.observer = observer;
        this.clock = clock;
        this.saver = new org.sacip.agent.state.LatestSnapshotWriter<>("handovers", store::save,
                savePacing, () -> post(this::requestSaveBuild));
        this.loop = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = EventThreads.create(runnable, "sacip-handover");
            thread.setDaemon(true);
            return thread;
        });
    }

    /** The latest published view; never waits. */
    public HandoverView view() {
        return view;
    }

    // ---- restart ----

    /**
     * After a restart: installs the saved state the kernel should already have (so nothing changes on the wire) and
     * returns the saved moves of our own addresses (original to where it moved) for the move monitor. Called before
     * anything else, on the caller's thread.
     */
    public Map<InetAddress, InetAddress> resume(HandoverStore.State saved) throws DataPathException {
        List<Remapping> remappings = new ArrayList<>();
        Map<InetAddress, Set<SessionTuple>> holders = new HashMap<>();
        for (HandoverStore.Saved s : saved.sessions()) {
            if (!s.remapping().isIdentity()) {
                remappings.add(s.remapping());
            }
            holders.computeIfAbsent(s.tuple().local().address(), a -> new LinkedHashSet<>()).add(s.tuple());
            index(s.tuple());
        }
        saved.moves().forEach((original, movedTo) -> localMoves.put(original,
                new LocalMove(movedTo, MoveKind.BREAK_BEFORE_MAKE, clock.instant(), false)));
        List<Ghost> ghosts = new ArrayList<>();
        holders.forEach((address, tuples) -> ghosts.add(new Ghost(address,
                ghostActive(address), tuples)));
        dataPath.install(remappings, ghosts);
        long install = dataPath.installCount();
        for (HandoverStore.Saved s : saved.sessions()) {
            book.put(s.tuple(), new BookEntry(s.state(), s.since(), install));
        }
        observer.addresses(dataPath.ghostAddresses(), dataPath.sendingAddresses());
        LOG.info("resumed {} session(s), {} ghost(s), {} move(s) from {}", saved.sessions().size(), ghosts.size(),
                saved.moves().size(), store.file());
        publishView();
        return Map.copyOf(saved.moves());
    }

    // ---- our moves ----

    /**
     * Carries out a move plan from the move monitor (on the handover thread); completes once the inbound rewrite and
     * the ghost are in the data path, when the peers may be told (not before: their answers would meet no rewrite).
     */
    public CompletableFuture<Void> execute(MovePlan plan) {
        CompletableFuture<Void> ready = new CompletableFuture<>();
        Instant posted = clock.instant();
        post(() -> {
            executeNow(plan, posted);
            ready.complete(null);
        });
        return ready;
    }

    private void executeNow(MovePlan plan, Instant posted) throws DataPathException {
        Instant started = clock.instant();
        InetAddress original = plan.original();
        boolean home = plan.kind() == MoveKind.RETURN_HOME;
        LocalMove before = localMoves.put(original, new LocalMove(plan.newActive(), plan.kind(), plan.seenAt(),
                plan.originalInPlace()));
        // Only a move whose change the kernel took: after a failed one, the next does all of it again.
        boolean inPlace = settledMoves.remove(original) && before != null
                && before.movedTo().equals(plan.newActive());
        Set<SessionTuple> unseen = new LinkedHashSet<>();
        for (PeerSessions group : plan.peers()) {
            for (Session session : group.sessions()) {
                if (index(session.tuple())) {
                    unseen.add(session.tuple());
                }
            }
        }
        Set<SessionTuple> touched = byLocal.getOrDefault(original, Set.of());
        if (inPlace) {
            // The sessions already go where this move sends them (the address left after a route change had moved
            // them): what each needs depends only on that and its lineage, so only the ghost's activity and sessions
            // not seen before change. Recomputing all of them took seconds at 100,000 sessions, on the thread that
            // applies the peers' answers.
            commitTouched(unseen, Set.of(), Set.of(original));
        } else {
            commitTouched(touched, Set.of(), Set.of());
        }
        settledMoves.add(original);
        Instant committed = clock.instant();
        moves++;
        // The lineages that hold sessions here must confirm: the convergence time runs until they all answered.
        // One that already confirmed this address hears nothing new (the address left after a route change had
        // moved its sessions), so nobody waits for it, unless the move before is still waiting for it: to the same
        // address, the answer to come is this move's too; to another (a move away again before the peers answered
        // the return home), that update goes first and this move's after it, so what the lineage confirmed last is
        // older than both.
        MoveProgress running = progress.get(original);
        Set<Octets> waiting = new LinkedHashSet<>();
        int bound = 0;
        for (SessionTuple tuple : touched) {
            Octets id = bindings.get(tuple);
            if (id != null) {
                bound++;
            }
            Lineage lineage = id == null ? null : lineages.get(id);
            if (lineage != null && (!lineage.state().localConfirmed().equals(plan.newActive())
                    || running != null && running.waitsFor(id))) {
                waiting.add(id);
            }
        }
        // A move to the same address still waiting for its peers is the same move: its time runs from its first
        // event (the route change), not from the address leaving later.
        Instant since = running != null && running.newActive.equals(plan.newActive()) ? running.seenAt
                : plan.seenAt();
        // Where the time from the event went: finding the sessions, waiting behind other changes, the data path.
        LOG.info("move {} (was {}) -> {} on {} ({}): {} session(s), {} bound to {} key(s); planned in {} ms (found in {}"
                + " ms, queued {} ms, data path {} ms)", text(original), text(plan.previousActive()),
                text(plan.newActive()), plan.interfaceName(), plan.kind().name().toLowerCase(Locale.ROOT).replace('_',
                        '-'), touched.size(), bound, waiting.size(),
                Duration.between(plan.seenAt(), committed).toMillis(), Duration.between(plan.seenAt(), posted)
                        .toMillis(), Duration.between(posted, started).toMillis(), Duration.between(started,
                                committed).toMillis());
        events.publish(EventType.MOVE, "move " + text(original) + " -> " + text(plan.newActive()), Map.of("original",
                text(original), "previous", text(plan.previousActive()), "active", text(plan.newActive()),
                "interface", plan.interfaceName(), "kind", plan.kind().name(), "sessions",
                Integer.toString(touched.size()), "peers", Integer.toString(waiting.size())));
        observer.moveStarted(plan.kind());
        if (!waiting.isEmpty()) {
            superseded(progress.put(original, new MoveProgress(original, plan.newActive(), plan.kind(), since,
                    touched.size(), waiting)));
        } else {
            // An earlier move's count would wait for answers this one made pointless.
            superseded(progress.remove(original));
            observer.moveEnded(plan.kind(), MoveOutcome.NO_PEERS, Optional.empty());
            if (home) {
                finishHomeIfDone(original);
            }
        }
        if (!home && !plan.originalInPlace()) {
            // While the original address still works (a route change), sessions without a peer agent keep using it.
            closeLegacy(original, touched);
        }
    }

    private void superseded(MoveProgress replaced) {
        if (replaced != null) {
            observer.moveEnded(replaced.kind, MoveOutcome.SUPERSEDED, Optional.empty());
        }
    }

    private void closeLegacy(InetAddress original, Set<SessionTuple> touched) {
        if (legacyCloser.isEmpty()) {
            return;
        }
        // Only sessions our probes found without an agent at the peer; a peer still being probed is left be.
        Set<SessionTuple> noAgent = new LinkedHashSet<>();
        for (SessionTuple tuple : touched) {
            if ("no-agent".equals(unbound.get(tuple))) {
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
        } catch (org.sacip.netlink.NetlinkException e) {
            LOG.warn("cannot close sessions of {} with peers without an agent: {}", text(original), e.getMessage());
        }
    }

    // ---- the engine's changes ----

    @Override
    public CompletionStage<Set<Octets>> apply(EngineChange change) {
        CompletableFuture<Set<Octets>> result = new CompletableFuture<>();
        pendingChanges.add(new PendingChange(change, result));
        post(this::applyPending);
        return result;
    }

    /**
     * Applies the engine's changes waiting now, those that touch different lineages as one (in the order they came):
     * a hundred peers' checked moves arrive within milliseconds, in several turns of the engine's loop, and applied
     * one change at a time they made one data-path commit each, the last peer acknowledged seconds after the first.
     * A change that touches a lineage of the group so far starts the next group, so each lineage's changes apply in
     * order. The task of an earlier {@link #apply} may already have taken this one's change: then there is nothing.
     */
    private void applyPending() {
        List<PendingChange> taken = new ArrayList<>();
        for (PendingChange next = pendingChanges.poll(); next != null; next = pendingChanges.poll()) {
            taken.add(next);
        }
        RuntimeException first = null;
        int i = 0;
        while (i < taken.size()) {
            List<PendingChange> group = new ArrayList<>();
            Set<Octets> touched = new HashSet<>();
            while (i < taken.size()) {
                Set<Octets> next = taken.get(i).lineages();
                if (!group.isEmpty() && !java.util.Collections.disjoint(touched, next)) {
                    break;
                }
                touched.addAll(next);
                group.add(taken.get(i++));
            }
            EngineChange merged = group.size() == 1 ? group.get(0).change() : merged(group);
            try {
                Set<Octets> failed = applyNow(merged);
                group.forEach(p -> p.result().complete(failed));
            } catch (RuntimeException e) {
                // The groups after it still apply; the first failure is the one reported.
                first = first == null ? e : first;
            } finally {
                // Whatever failed, the engine hears of it: nothing it waits for is acknowledged without a commit.
                Set<Octets> all = new LinkedHashSet<>();
                merged.lineages().forEach(v -> all.add(v.lineage()));
                merged.refusedMoves().forEach(r -> all.add(r.lineage().lineage()));
                group.forEach(p -> p.result().complete(all));
            }
        }
        if (first != null) {
            throw first;
        }
    }

    private static EngineChange merged(List<PendingChange> group) {
        List<AssociationView> views = new ArrayList<>();
        List<EngineChange.RefusedMove> refused = new ArrayList<>();
        List<Octets> gone = new ArrayList<>();
        List<BindingChange> bindings = new ArrayList<>();
        for (PendingChange pending : group) {
            views.addAll(pending.change().lineages());
            refused.addAll(pending.change().refusedMoves());
            gone.addAll(pending.change().gone());
            bindings.addAll(pending.change().bindings());
        }
        return new EngineChange(views, refused, gone, bindings);
    }

    /** An engine change waiting for the handover thread, and who waits for its outcome. */
    private record PendingChange(EngineChange change, CompletableFuture<Set<Octets>> result) {
        /** Every lineage the change names: its views, refused moves, lineages gone and bindings. */
        Set<Octets> lineages() {
            Set<Octets> all = new HashSet<>();
            change.lineages().forEach(v -> all.add(v.lineage()));
            change.refusedMoves().forEach(r -> all.add(r.lineage().lineage()));
            all.addAll(change.gone());
            change.bindings().forEach(b -> b.lineage().ifPresent(all::add));
            return all;
        }
    }

    /** Applies the change; returns the lineages whose part could not be committed. */
    private Set<Octets> applyNow(EngineChange change) {
        Instant now = clock.instant();
        Map<Octets, Lineage> before = new HashMap<>();
        Map<Octets, Set<SessionTuple>> touchedBy = new LinkedHashMap<>();
        Set<Octets> moved = new LinkedHashSet<>();
        for (AssociationView view : change.lineages()) {
            Lineage previous = lineages.get(view.lineage());
            before.put(view.lineage(), previous);
            Lineage next = new Lineage(view, false);
            lineages.put(view.lineage(), next);
            touchedBy.put(view.lineage(), new LinkedHashSet<>(byLineage.getOrDefault(view.lineage(), Set.of())));
            reportLineage(view, previous, next, now);
            if (previous != null && (!next.state().localConfirmed().equals(previous.state().localConfirmed())
                    || !next.state().peerCurrent().equals(previous.state().peerCurrent()))) {
                moved.add(view.lineage());
            } else if (previous != null && next.state().tunnelUp() && !previous.state().tunnelUp()) {
                // Its sessions go through the tunnel from now on: those waiting for a backed-off timer (a move
                // acknowledged before the tunnel was up, a restart) have a path again, as after a move.
                moved.add(view.lineage());
            }
        }
        for (EngineChange.RefusedMove refused : change.refusedMoves()) {
            Octets id = refused.lineage().lineage();
            Lineage previous = lineages.get(id);
            before.putIfAbsent(id, previous);
            AssociationView view = refused.lineage();
            lineages.put(id, new Lineage(view, true));
            touchedBy.computeIfAbsent(id, k -> new LinkedHashSet<>()).addAll(byLineage.getOrDefault(id, Set.of()));
            LOG.warn("{} did not confirm the move of {} to {}: its sessions go on as without an agent",
                    refused.lineage().peerOriginal(), refused.lineage().localOriginal(), refused.attempted());
            events.publish(EventType.REFUSED, refused.lineage().peerOriginal() + " did not confirm "
                    + refused.lineage().localOriginal() + " -> " + refused.attempted(), Map.of("peer",
                            text(view.peerOriginal().toInetAddress()), "original",
                            text(view.localOriginal().toInetAddress()), "active",
                            text(refused.attempted().toInetAddress()), "sessions",
                            Integer.toString(byLineage.getOrDefault(id, Set.of()).size())));
            answered(view.localOriginal().toInetAddress(), id, null, now);
        }
        Set<SessionTuple> unlinked = new LinkedHashSet<>();
        for (Octets gone : change.gone()) {
            Lineage lineage = lineages.remove(gone);
            if (lineage != null) {
                events.publish(EventType.KEY_EXPIRED, "key with " + text(lineage.peerOriginal()) + " gone",
                        Map.of("peer", text(lineage.peerOriginal()), "local", text(lineage.localOriginal())));
            }
        }
        Map<Octets, Set<SessionTuple>> bindingsBy = new LinkedHashMap<>();
        for (BindingChange binding : change.bindings()) {
            SessionTuple tuple = binding.session();
            index(tuple);
            Octets old = bindings.remove(tuple);
            if (old != null) {
                Set<SessionTuple> set = byLineage.get(old);
                if (set != null) {
                    set.remove(tuple);
                }
            }
            binding.peerOwn().ifPresentOrElse(own -> peerOwn.put(tuple, own), () -> peerOwn.remove(tuple));
            if (binding.lineage().isPresent()) {
                Octets lineage = binding.lineage().get();
                bindings.put(tuple, lineage);
                unbound.remove(tuple);
                byLineage.computeIfAbsent(lineage, k -> new HashSet<>()).add(tuple);
                bindingsBy.computeIfAbsent(lineage, k -> new LinkedHashSet<>()).add(tuple);
            } else {
                unbound.put(tuple, binding.unboundBecause().orElseThrow());
                unlinked.add(tuple);
            }
        }
        // Commit everything; on a conflict, the lineages whose sessions collide are left out and the rest goes in.
        Set<Octets> failed = new LinkedHashSet<>();
        while (true) {
            Set<SessionTuple> touched = new LinkedHashSet<>(unlinked);
            touchedBy.forEach((lineage, tuples) -> {
                if (!failed.contains(lineage)) {
                    touched.addAll(tuples);
                }
            });
            bindingsBy.forEach((lineage, tuples) -> {
                if (!failed.contains(lineage)) {
                    touched.addAll(tuples);
                }
            });
            try {
                commitTouched(touched, Set.of(), Set.of());
                break;
            } catch (RemapConflictException e) {
                Set<Octets> culprits = new LinkedHashSet<>();
                for (SessionTuple tuple : e.sessions()) {
                    Octets lineage = bindings.get(tuple);
                    if (lineage != null && (touchedBy.containsKey(lineage) || bindingsBy.containsKey(lineage))) {
                        culprits.add(lineage);
                    }
                }
                culprits.removeAll(failed);
                if (culprits.isEmpty()) {
                    LOG.error("data path change refused: {}", e.getMessage());
                    failed.addAll(touchedBy.keySet());
                    failed.addAll(bindingsBy.keySet());
                    break;
                }
                LOG.warn("move(s) of {} key lineage(s) not followed: {}", culprits.size(), e.getMessage());
                for (Octets lineage : culprits) {
                    failed.add(lineage);
                    // Back to what it was: the engine does not acknowledge, so nothing changed for this lineage.
                    Lineage previous = before.get(lineage);
                    if (previous == null) {
                        lineages.remove(lineage);
                    } else if (before.containsKey(lineage)) {
                        lineages.put(lineage, previous);
                    }
                    for (SessionTuple tuple : bindingsBy.getOrDefault(lineage, Set.of())) {
                        bindings.remove(tuple);
                        peerOwn.remove(tuple);
                        byLineage.getOrDefault(lineage, new HashSet<>()).remove(tuple);
                    }
                }
            } catch (DataPathException e) {
                LOG.error("data path change failed: {}", e.getMessage());
                failed.addAll(touchedBy.keySet());
                failed.addAll(bindingsBy.keySet());
                break;
            }
        }
        for (Octets id : moved) {
            Lineage lineage = lineages.get(id);
            Set<SessionTuple> sessions = byLineage.getOrDefault(id, Set.of());
            if (!failed.contains(id) && lineage != null && !sessions.isEmpty()) {
                observer.moveConverged(lineage.localOriginal(), lineage.peerOriginal(), Set.copyOf(sessions));
            }
        }
        return failed;
    }

    private static HandoverPlanner.LineageState lineageState(AssociationView view, boolean moveRefused) {
        boolean ownTranslated = view.localBehindNat() && !view.localConfirmed().equals(view.localOriginal());
        boolean peerTranslated = view.peerBehindNat() && !view.peerCurrent().equals(view.peerOriginal());
        return new HandoverPlanner.LineageState(view.localConfirmed().toInetAddress(),
                view.peerOriginal().toInetAddress(), view.peerCurrent().toInetAddress(), moveRefused, ownTranslated,
                peerTranslated, view.tunnelUp());
    }

    /** The tunnel data plane; {@link TunnelCarrier#NONE} (nothing carried) until the agent gives one. */
    public void carryThrough(TunnelCarrier carrier) {
        post(() -> this.carrier = carrier);
    }

    /** Whether the tunnel data plane has nothing to hear: none, or no session told and no lineage needs a tunnel. */
    private boolean carrierIdle() {
        return carrier == TunnelCarrier.NONE || tunnelSessions.isEmpty() && routedSessions.isEmpty()
                && lineages.values().stream().noneMatch(l -> l.state().needsTunnel());
    }

    /** The lineage of a bound session whose lineage needs its tunnel; {@code null} otherwise. */
    private Octets tunnelLineage(SessionTuple tuple) {
        Octets id = bindings.get(tuple);
        Lineage lineage = id == null ? null : lineages.get(id);
        return lineage != null && lineage.state().needsTunnel() ? id : null;
    }

    /**
     * Before the data path changes: the touched sessions whose lineage needs its tunnel are bound in the tunnel data
     * plane, so that a packet the new ruleset sends into the device, or the peer sends through the tunnel, finds its
     * session. Bound after the change, packets read meanwhile were dropped as of no carried session: a CI run whose
     * make-before-break move behind a NAT lost a UDP datagram had counted 4 such drops. Returns those bound now and
     * not before.
     */
    private Set<SessionTuple> bindInCarrier(Set<SessionTuple> touched, Set<SessionTuple> ended) {
        Set<SessionTuple> newlyBound = new HashSet<>();
        for (SessionTuple tuple : touched) {
            Octets id = ended.contains(tuple) ? null : tunnelLineage(tuple);
            if (id != null) {
                Endpoint own = peerOwn.get(tuple);
                carrier.bound(tuple, id, own != null ? own : tuple.remote());
                if (tunnelSessions.add(tuple)) {
                    newlyBound.add(tuple);
                }
            }
        }
        return newlyBound;
    }

    /** A data path change that failed: the sessions bound for it are released again. */
    private void unbindInCarrier(Set<SessionTuple> newlyBound) {
        for (SessionTuple tuple : newlyBound) {
            tunnelSessions.remove(tuple);
            carrier.released(tuple);
        }
    }

    /**
     * After the data path changed: the touched sessions whose lineage no longer needs a tunnel, and the ended ones,
     * are released from the tunnel data plane (after, so that packets already in the device still go), and the
     * carried TCP sessions' routes follow.
     */
    private void tellCarrier(Set<SessionTuple> touched, Set<SessionTuple> ended, List<Planned> planned) {
        Map<SessionTuple, Remapping> desired = new HashMap<>();
        planned.forEach(session -> desired.put(session.tuple(), session.remapping()));
        boolean routesChanged = false;
        for (SessionTuple tuple : ended) {
            if (tunnelSessions.remove(tuple)) {
                carrier.released(tuple);
            }
            routesChanged |= routedSessions.remove(tuple);
        }
        for (SessionTuple tuple : touched) {
            if (ended.contains(tuple)) {
                continue;
            }
            if (tunnelLineage(tuple) == null && tunnelSessions.remove(tuple)) {
                carrier.released(tuple);
            }
            Remapping remapping = desired.get(tuple);
            if (remapping != null && remapping.carried() && tuple.protocol() == SessionProtocol.TCP) {
                routesChanged |= routedSessions.add(tuple);
            } else {
                routesChanged |= routedSessions.remove(tuple);
            }
        }
        if (routesChanged) {
            carrier.routed(Set.copyOf(routedSessions));
        }
    }

    /** Events and convergence for a lineage whose state changed. */
    private void reportLineage(AssociationView view, Lineage previous, Lineage next, Instant now) {
        String peer = text(view.peerOriginal().toInetAddress());
        String local = text(view.localOriginal().toInetAddress());
        if (previous == null) {
            events.publish(EventType.KEY, "key agreed with " + peer + " from " + local, Map.of("peer", peer, "local",
                    local));
            return;
        }
        InetAddress confirmed = next.state().localConfirmed();
        if (!confirmed.equals(previous.state().localConfirmed())) {
            events.publish(EventType.ACK, peer + " confirmed " + local + " -> " + text(confirmed), Map.of("peer", peer,
                    "original", local, "active", text(confirmed), "sequence",
                    Long.toUnsignedString(view.lastSequenceSent())));
            answered(view.localOriginal().toInetAddress(), view.lineage(), confirmed, now);
        }
        InetAddress peerNow = next.state().peerCurrent();
        if (!peerNow.equals(previous.state().peerCurrent())) {
            int count = byLineage.getOrDefault(view.lineage(), Set.of()).size();
            events.publish(EventType.PEER_MOVED, "peer " + peer + " moved to " + text(peerNow), Map.of("peer", peer,
                    "active", text(peerNow), "local", local, "sessions", Integer.toString(count)));
        }
    }

    /**
     * A lineage confirmed {@code confirmed} for {@code original}, or refused the move (null). A confirmation of
     * another address than the move's is an earlier move's, whose update went before: the move waits on.
     */
    private void answered(InetAddress original, Octets lineage, InetAddress confirmed, Instant at) {
        MoveProgress move = progress.get(original);
        if (move != null && (confirmed == null || confirmed.equals(move.newActive))
                && move.answered(lineage, confirmed != null)) {
            progress.remove(original);
            LOG.info("move {} -> {} converged in {} ms: {} key(s) confirmed, {} did not", text(move.original),
                    text(move.newActive), move.elapsed(at).toMillis(), move.confirmed(), move.refused());
            events.publish(EventType.CONVERGED, "move " + text(move.original) + " -> " + text(move.newActive)
                    + " converged", Map.of("original", text(move.original), "active", text(move.newActive),
                            "ms", Long.toString(move.elapsed(at).toMillis()), "confirmed",
                            Integer.toString(move.confirmed()), "refused", Integer.toString(move.refused())));
            observer.moveEnded(move.kind, move.outcome(), Optional.of(move.elapsed(at)));
            if (move.original.equals(move.newActive)) {
                finishHomeIfDone(move.original);
            }
        }
    }

    /** Back home and every session of the address on its original addresses again: the move is over. */
    private void finishHomeIfDone(InetAddress original) {
        LocalMove move = localMoves.get(original);
        if (move == null || !move.movedTo().equals(original)) {
            return;
        }
        for (SessionTuple tuple : byLocal.getOrDefault(original, Set.of())) {
            Remapping remapping = dataPath.remapping(tuple);
            if (remapping.localMoved() || remapping.sendsFromElsewhere()) {
                return;
            }
        }
        localMoves.remove(original);
    }

    // ---- session ends ----

    /** The sessions ended: their entries, ghost holds and book lines go. */
    public void sessionsEnded(List<SessionTuple> ended) {
        List<SessionTuple> copy = List.copyOf(ended);
        post(() -> endNow(copy));
    }

    private void endNow(List<SessionTuple> ended) throws DataPathException {
        if (ended.isEmpty()) {
            return;
        }
        Set<SessionTuple> known = new LinkedHashSet<>();
        for (SessionTuple tuple : ended) {
            if (book.containsKey(tuple) || bindings.containsKey(tuple) || unbound.containsKey(tuple)) {
                known.add(tuple);
            }
        }
        if (known.isEmpty()) {
            return;
        }
        commitTouched(Set.of(), known, Set.of());
        Set<InetAddress> over = new LinkedHashSet<>();
        for (SessionTuple tuple : known) {
            InetAddress original = tuple.local().address();
            Octets lineage = bindings.remove(tuple);
            peerOwn.remove(tuple);
            if (lineage != null) {
                Set<SessionTuple> set = byLineage.get(lineage);
                if (set != null) {
                    set.remove(tuple);
                    if (set.isEmpty()) {
                        byLineage.remove(lineage);
                    }
                }
            }
            unbound.remove(tuple);
            Set<SessionTuple> local = byLocal.get(original);
            if (local != null) {
                local.remove(tuple);
                if (local.isEmpty()) {
                    byLocal.remove(original);
                    if (localMoves.remove(original) != null) {
                        over.add(original);
                    }
                    abandoned(progress.remove(original));
                }
            }
            if (book.remove(tuple) != null && LOG.isDebugEnabled()) {
                LOG.debug("session ended: {}", tuple);
            }
        }
        if (!over.isEmpty()) {
            observer.movesOver(over);
        }
    }

    private void abandoned(MoveProgress move) {
        if (move != null) {
            observer.moveEnded(move.kind, MoveOutcome.ABANDONED, Optional.empty());
        }
    }

    // ---- committing ----

    /** Returns whether the session was not known here before. */
    private boolean index(SessionTuple tuple) {
        return byLocal.computeIfAbsent(tuple.local().address(), a -> new HashSet<>()).add(tuple);
    }

    private InetAddress movedTo(InetAddress original) {
        LocalMove move = localMoves.get(original);
        return move == null ? null : move.movedTo();
    }

    private boolean ghostActive(InetAddress original) {
        LocalMove move = localMoves.get(original);
        return move != null && HandoverPlanner.ghostActive(original, move.movedTo(), move.originalInPlace());
    }

    /**
     * Brings the touched sessions to what the planner says and removes the ended ones, in one data-path change; the
     * book and the view follow only once the kernel took it. The ghosts of the touched sessions' addresses and of
     * {@code ghostsToCheck} get the activity their moves call for.
     */
    private void commitTouched(Set<SessionTuple> touched, Set<SessionTuple> ended, Set<InetAddress> ghostsToCheck)
            throws DataPathException {
        Instant now = clock.instant();
        List<Remapping> changes = new ArrayList<>();
        List<Planned> planned = new ArrayList<>(touched.size());
        // Only a session the book does not know in this installation of the data path takes its ghost hold: one it
        // knows has held it since (a hold goes only with the session's end or a new installation), and restating
        // 100,000 holds per move cost a copy and a lookup each.
        long install = dataPath.installCount();
        Map<InetAddress, Set<SessionTuple>> holds = new LinkedHashMap<>();
        Set<InetAddress> addresses = new LinkedHashSet<>();
        for (SessionTuple tuple : touched) {
            if (ended.contains(tuple)) {
                continue;
            }
            InetAddress original = tuple.local().address();
            Remapping committed = dataPath.remapping(tuple);
            Octets id = bindings.get(tuple);
            Lineage lineage = id == null ? null : lineages.get(id);
            HandoverPlanner.Desired desired = HandoverPlanner.desired(tuple, movedTo(original),
                    lineage == null ? null : lineage.state(), lineage == null ? null : peerOwn.get(tuple),
                    committed.isIdentity() ? null : committed);
            if (!desired.remapping().equals(committed)) {
                changes.add(desired.remapping());
            }
            BookEntry before = book.get(tuple);
            planned.add(new Planned(tuple, before, desired.remapping(), desired.state()));
            if (before == null || before.install() != install) {
                holds.computeIfAbsent(original, a -> new LinkedHashSet<>()).add(tuple);
            }
            addresses.add(original);
        }
        for (InetAddress address : ghostsToCheck) {
            // Only an address with sessions has a ghost to set.
            if (addresses.contains(address) || !byLocal.getOrDefault(address, Set.of()).isEmpty()) {
                addresses.add(address);
            }
        }
        List<GhostChange> ghostChanges = new ArrayList<>();
        for (InetAddress address : addresses) {
            ghostChanges.add(new GhostChange(address, holds.getOrDefault(address, Set.of()), Set.of(),
                    Optional.of(ghostActive(address))));
        }
        Set<InetAddress> ghostsBefore = dataPath.ghostAddresses();
        // Nothing told and no lineage needs a tunnel (the usual case): no pass over the touched sessions, before or
        // after (the commit changes neither).
        boolean carrierHears = !carrierIdle();
        Set<SessionTuple> newlyBound = carrierHears ? bindInCarrier(touched, ended) : Set.of();
        try {
            dataPath.commit(changes, ghostChanges, ended);
        } catch (DataPathException | RuntimeException e) {
            unbindInCarrier(newlyBound);
            throw e;
        }
        if (carrierHears) {
            tellCarrier(touched, ended, planned);
        }
        for (Planned session : planned) {
            BookEntry before = session.before();
            if (before == null || before.state() != session.state()) {
                book.put(session.tuple(), new BookEntry(session.state(), now, install));
            } else if (before.install() != install) {
                book.put(session.tuple(), new BookEntry(before.state(), before.since(), install));
            }
        }
        Set<InetAddress> ghostsAfter = dataPath.ghostAddresses();
        observer.addresses(ghostsAfter, dataPath.sendingAddresses());
        if (!changes.isEmpty() || !ghostsAfter.equals(ghostsBefore)) {
            // A restart must find what the kernel now carries.
            persist();
        } else {
            // Only ends and states: a state file a moment behind is harmless (a restart keeps only the saved sessions
            // the kernel still has), and writing the whole book per claim or end was quadratic at 10,000 sessions.
            persistSoon();
        }
        scheduleMaintenance();
        markViewDirty();
    }

    private void scheduleMaintenance() {
        if (maintenanceScheduled) {
            return;
        }
        maintenanceScheduled = true;
        schedule(MAINTENANCE, () -> {
            maintenanceScheduled = false;
            if (dataPath.maintain()) {
                scheduleMaintenance();
            }
        });
    }

    private void persistSoon() {
        if (persistScheduled) {
            return;
        }
        persistScheduled = true;
        // Paced by what saving costs: at 100,000 sessions a save every 100 ms kept a core busy while they opened.
        schedule(savePacing.delay(), () -> {
            persistScheduled = false;
            persist();
        });
    }

    /**
     * The kernel carries what the book says: the state file must follow as soon as the writer can take it. The
     * snapshot (every session, O(sessions)) is built only when the writer is free, once for all the changes made
     * meanwhile: built per change, 100 peers confirming a move of 100,000 sessions meant 100 snapshots of 100,000
     * entries on this thread, all but the last thrown away by the writer.
     */
    private void persist() {
        saveWanted = true;
        requestSaveBuild();
    }

    private void requestSaveBuild() {
        if (!saveWanted || saveBuildPosted || saver.busy()) {
            // Not wanted, or posted already, or the writer's "idle" after its write posts this again.
            return;
        }
        saveBuildPosted = true;
        // Posted, not run here: changes queued behind this one go into the same snapshot.
        post(() -> {
            saveBuildPosted = false;
            if (saveWanted && !saver.busy()) {
                buildSave();
            }
        });
    }

    private void buildSave() {
        saveWanted = false;
        long started = System.nanoTime();
        List<HandoverStore.Saved> saved = new ArrayList<>(book.size());
        book.forEach((tuple, entry) -> saved.add(new HandoverStore.Saved(tuple, dataPath.remapping(tuple),
                entry.state(), entry.since())));
        Map<InetAddress, InetAddress> moved = new HashMap<>();
        localMoves.forEach((original, move) -> moved.put(original, move.movedTo()));
        savePacing.built(System.nanoTime() - started);
        saver.submit(new HandoverStore.State(saved, moved));
    }

    // ---- flush ----

    /**
     * Removes every remapping and ghost the agent added and reloads its ruleset empty; completes with how many
     * sessions were remapped and how many ghosts.
     */
    public CompletableFuture<int[]> flush() {
        CompletableFuture<int[]> result = new CompletableFuture<>();
        post(() -> {
            try {
                int sessions = dataPath.remappingCount();
                int ghosts = dataPath.ghostSummaries().size();
                dataPath.flush();
                // The agent keeps running: its ruleset comes back empty at once, so openings are still recorded.
                dataPath.install();
                localMoves.clear();
                settledMoves.clear();
                progress.values().forEach(this::abandoned);
                progress.clear();
                book.clear();
                persist();
                observer.addresses(Set.of(), Set.of());
                LOG.info("flushed: {} session(s) and {} ghost(s) no longer remapped", sessions, ghosts);
                events.publish(EventType.FLUSH, "all remapping removed", Map.of("sessions", Integer.toString(sessions),
                        "ghosts", Integer.toString(ghosts)));
                // Published before the answer, not paced: a `sessions` right after a flush must not show what it
                // removed.
                publishView();
                result.complete(new int[] {sessions, ghosts});
            } catch (DataPathException e) {
                result.completeExceptionally(e);
            }
        });
        return result;
    }

    // ---- the loop and the view ----

    /** A task on the handover thread that may fail in the data path. */
    @FunctionalInterface
    private interface Task {
        void run() throws DataPathException;
    }

    private void post(Task task) {
        try {
            loop.execute(() -> run(task));
        } catch (RejectedExecutionException e) {
            LOG.debug("handover closed, task ignored");
        }
    }

    private void schedule(Duration delay, Task task) {
        try {
            loop.schedule(() -> run(task), delay.toMillis(), TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            LOG.debug("handover closed, timer ignored");
        }
    }

    private void run(Task task) {
        try {
            if (!dataPath.isInstalled()) {
                dataPath.install();
                observer.addresses(Set.of(), Set.of());
            }
            task.run();
        } catch (DataPathException e) {
            LOG.error("handover: {}", e.getMessage());
        } catch (RuntimeException e) {
            LOG.error("handover: unexpected {}", e.toString(), e);
        }
    }

    private void markViewDirty() {
        if (viewScheduled) {
            return;
        }
        viewScheduled = true;
        schedule(viewPacing.delay(), () -> {
            viewScheduled = false;
            viewPacing.publish(this::publishView);
        });
    }

    private void publishView() {
        List<HandoverView.Row> rows = new ArrayList<>(book.size());
        book.forEach((tuple, entry) -> {
            Octets lineage = bindings.get(tuple);
            rows.add(new HandoverView.Row(tuple, dataPath.remapping(tuple), entry.state(), entry.since(), lineage,
                    unbound.get(tuple)));
        });
        view = new HandoverView(rows, dataPath.ghostSummaries(), moves, dataPath.restoreCount());
    }

    /** Writes what is still waiting to be saved and stops the thread; the kernel keeps everything. */
    @Override
    public void close() {
        // Work still queued (ends, bindings) is dropped: the kernel keeps everything, and a restart reads it afresh.
        // Only the task running now finishes, so a stop never waits for a backlog.
        loop.shutdownNow();
        try {
            if (!loop.awaitTermination(5, TimeUnit.SECONDS)) {
                LOG.warn("the handover thread did not finish its change within 5 s");
            } else if (persistScheduled || saveWanted) {
                // The loop is over: its state is ours to read. A save it had put off is written now.
                buildSave();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        saver.close();
    }

    private static String text(InetAddress address) {
        return AddressText.of(address);
    }
}
