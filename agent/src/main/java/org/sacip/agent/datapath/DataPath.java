package org.sacip.agent.datapath;

import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.sacip.agent.session.Endpoint;
import org.sacip.agent.session.SessionProtocol;
import org.sacip.agent.session.SessionTuple;
import org.sacip.netlink.AddressText;
import org.sacip.netlink.Errno;
import org.sacip.netlink.NetNamespace;
import org.sacip.netlink.NetlinkErrorException;
import org.sacip.netlink.NetlinkException;
import org.sacip.netlink.nftables.AddressElement;
import org.sacip.netlink.nftables.Element;
import org.sacip.netlink.nftables.MapElement;
import org.sacip.netlink.nftables.NfTablesConnection;
import org.sacip.netlink.nftables.PortMapElement;
import org.sacip.netlink.nftables.SetReference;
import org.sacip.netlink.nftables.TupleElement;
import org.sacip.netlink.nftables.TupleKey;
import org.sacip.netlink.route.InterfaceAddress;
import org.sacip.netlink.route.RtnetlinkClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The data path of one network namespace: the SACIP ruleset, the remapping entries of moved sessions, the ghost
 * addresses on {@code lo} with the flows each may accept, and the stale tuples of sessions whose peer moved away.
 * Every change reaches the kernel as one nft transaction (ghost addresses are added before the entries that need
 * them and deleted after); only the elements the change is about are computed, so its cost does not grow with the
 * number of sessions. The committed state changes only when the kernel took the change. {@link #restore()} puts
 * the kernel back to the committed state after others changed it. Closing leaves everything in place (remapped
 * sessions keep working); {@link #flush()} removes it all. Thread-safe: the guard restores while the handover
 * thread commits.
 */
public final class DataPath implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(DataPath.class);
    /** How long old wire addresses stay accepted after a change (the other end switches within retransmissions). */
    public static final Duration LINGER = Duration.ofSeconds(20);
    /** A change at least this large (a move's, a burst's) says at debug level where its time went. */
    private static final int LARGE_CHANGE = 1000;
    /** At most this many set elements change in one {@link #maintain()} call. */
    static final int MAINTENANCE_BATCH = 20_000;
    /** nft input that deletes both tables, also when either is missing (the `add` makes the `delete` succeed). */
    public static final String DELETE_TABLES = "add table inet sacip\ndelete table inet sacip\n"
            + "add table arp sacip\ndelete table arp sacip\n";

    private final NetNamespace namespace;
    /** Both null in a rehearsal ({@link #rehearsing}): nothing reaches a kernel. */
    private final NfTablesConnection nftables;
    private final RtnetlinkClient routes;
    private final NamespaceCommand commands;
    private final DataPathSettings settings;
    private final Clock clock;
    /**
     * Each session's committed state in one record (remapping, grace periods, peer away, stale tuples): a change
     * looks a session up once, where four maps took four lookups and four entries, each a cache miss on its tuple at
     * 100,000 sessions. A session with none of them has no record.
     */
    private final Map<SessionTuple, SessionPath> sessions = new HashMap<>();
    private int remappingCount;
    /** How many remapped sessions send from each address other than their socket's (their source routes). */
    private final Map<InetAddress, Integer> sendingFrom = new HashMap<>();
    private final GhostLedger ghosts = new GhostLedger();
    /**
     * When each session's grace period ends and when each peer away becomes stale, in the order they were set (both
     * are now + {@link #LINGER}): maintenance looks only at what is due, not at every session every second, which at
     * 100,000 sessions held the handover thread for seconds after each move. An entry whose session changed since is
     * checked against the session's current state and passed over.
     */
    private final ArrayDeque<Due> lingeringDue = new ArrayDeque<>();
    private final ArrayDeque<Due> awayDue = new ArrayDeque<>();
    private final ElementLedger ledger = new ElementLedger();
    private boolean installed;
    /** How many times the committed state was set from scratch ({@link #install}). */
    private long installs;
    private long restores;

    private DataPath(NetNamespace namespace, NfTablesConnection nftables, RtnetlinkClient routes,
            DataPathSettings settings, Clock clock) {
        this.namespace = namespace;
        this.nftables = nftables;
        this.routes = routes;
        this.commands = new NamespaceCommand(namespace);
        this.settings = settings;
        this.clock = clock;
    }

    /**
     * The data path of a namespace ({@code null}: the caller's). Nothing changes in the kernel until
     * {@link #install}.
     */
    public static DataPath open(NetNamespace namespace, DataPathSettings settings, Clock clock)
            throws DataPathException {
        NfTablesConnection nftables = null;
        try {
            nftables = namespace == null ? NfTablesConnection.open() : NfTablesConnection.open(namespace);
            RtnetlinkClient routes = namespace == null ? RtnetlinkClient.open() : RtnetlinkClient.open(namespace);
            return new DataPath(namespace, nftables, routes, settings, clock);
        } catch (NetlinkException e) {
            if (nftables != null) {
                nftables.close();
            }
            throw new DataPathException("cannot open netlink sockets" + where(namespace), e);
        }
    }

    /**
     * A data path that reaches no kernel, installed and empty: commits and maintenance stage, account and apply their
     * changes as in a real one, and send nothing. For {@link DataPathRehearsal} only; nothing else may be asked of it.
     */
    static DataPath rehearsing(Clock clock) {
        DataPath path = new DataPath(null, null, null, DataPathSettings.defaults(), clock);
        path.installed = true;
        return path;
    }

    /** The data path of the caller's namespace with default settings and the system clock. */
    public static DataPath open() throws DataPathException {
        return open(null, DataPathSettings.defaults(), Clock.systemUTC());
    }

    /** The port id of the netlink socket that sends this data path's element changes. */
    int nfTablesPortId() {
        return nftables.portId();
    }

    /** The namespace this data path works in, {@code null} for the caller's. */
    public NetNamespace namespace() {
        return namespace;
    }

    /** Starts with nothing remapped: loads the ruleset and empties our sets. */
    public boolean install() throws DataPathException {
        return install(List.of(), List.of());
    }

    /**
     * Starts from a known state (after a restart: the remappings and ghosts the sessions still need). The ruleset is
     * reloaded only if it is missing or differs in a set, so entries already in the kernel keep working without a
     * gap; then the kernel is made to match the state exactly. Ghost addresses on {@code lo} that the state does not
     * name are left alone (they may belong to someone else). Lingering and stale tuples start afresh: every peer that
     * is away counts as having just moved.
     *
     * @return whether the kernel had to be changed to match the state
     */
    public synchronized boolean install(Collection<Remapping> state, Collection<Ghost> stateGhosts)
            throws DataPathException {
        resetState();
        ElementLedger.Transaction tx = ledger.begin();
        Set<SessionTuple> conflicts = new LinkedHashSet<>();
        Instant now = clock.instant();
        for (Remapping remapping : state) {
            if (remapping.isIdentity()) {
                continue;
            }
            stageEntries(tx, null, remapping, conflicts);
            SessionPath path = sessions.computeIfAbsent(remapping.original(), session -> new SessionPath());
            setRemapping(path, remapping);
            if (remapping.remoteMoved()) {
                path.awaySince = now;
                awayDue.addLast(new Due(now.plus(LINGER), remapping.original()));
            }
        }
        for (Ghost ghost : stateGhosts) {
            for (SessionTuple holder : ghost.holders()) {
                ghosts.hold(ghost.address(), holder);
            }
            if (ghost.active()) {
                ghosts.activate(ghost.address());
            }
            stageGhost(tx, ghost.address(), null);
        }
        if (!conflicts.isEmpty()) {
            resetState();
            throw new RemapConflictException("saved sessions collide on the wire: " + conflicts, conflicts);
        }
        tx.commit();
        installed = true;
        installs++;
        return restoreLocked();
    }

    private void resetState() {
        sessions.clear();
        remappingCount = 0;
        sendingFrom.clear();
        ghosts.clear();
        lingeringDue.clear();
        awayDue.clear();
        ledger.clear();
        installed = false;
    }

    public synchronized boolean isInstalled() {
        return installed;
    }

    /**
     * How many times the committed state was set from scratch: what a caller knows the data path holds (a session's
     * ghost hold, say) is known only for the install it learnt it in.
     */
    public synchronized long installCount() {
        return installs;
    }

    /**
     * Applies one change in one transaction: the sessions' new remappings (an identity removes a session's entries),
     * ghost holds and activity, and sessions that ended (their entries, grace periods, stale tuples and ghost holds
     * go). The old wire addresses of a changed session stay accepted for {@link #LINGER}.
     *
     * @throws RemapConflictException when requested remappings need keys other sessions hold; nothing changed, and
     *                                the exception names the requested sessions in the way
     */
    public synchronized void commit(Collection<Remapping> changes, Collection<GhostChange> ghostChanges,
            Collection<SessionTuple> ended) throws DataPathException {
        requireInstalled();
        long startNanos = System.nanoTime();
        Instant now = clock.instant();
        Instant lingerUntil = now.plus(LINGER);
        ElementLedger.Transaction tx = ledger.begin();
        Set<SessionTuple> conflicts = new LinkedHashSet<>();
        Map<SessionTuple, Staged> staged = new LinkedHashMap<>();
        for (SessionTuple session : ended) {
            Staged next = staged.computeIfAbsent(session, this::staged);
            if (next.remapping != null) {
                stageEntries(tx, next.remapping, null, conflicts);
            }
            if (next.lingering != null) {
                for (Lingering old : next.lingering) {
                    old.entries().forEach(e -> tx.remove(e.map(), e.element(), old));
                }
            }
            if (next.stale != null) {
                for (StaleTuple old : next.stale) {
                    tx.remove(staleSet(old.key()), new TupleElement(old.key()), old);
                }
            }
            next.remapping = null;
            next.lingering = null;
            next.awaySince = null;
            next.stale = null;
        }
        // Every key given up is free before any is taken: whether two sessions swap a key must not depend on order.
        Staged[] stagedChanges = new Staged[changes.size()];
        int index = 0;
        for (Remapping next : changes) {
            Staged change = staged.computeIfAbsent(next.original(), this::staged);
            stagedChanges[index++] = change;
            Remapping previous = change.committed == null ? null : change.committed.remapping;
            if (previous != null) {
                stageEntries(tx, previous, null, conflicts);
            }
        }
        index = 0;
        for (Remapping next : changes) {
            Staged change = stagedChanges[index++];
            SessionPath committed = change.committed;
            Remapping previous = committed == null ? null : committed.remapping;
            stageEntries(tx, null, next, conflicts);
            List<Lingering> started = Lingering.between(previous, next, lingerUntil);
            if (!started.isEmpty()) {
                change.graceStarted = true;
                List<Lingering> current = committed == null ? null : committed.lingering;
                List<Lingering> kept = current == null ? new ArrayList<>(started.size()) : new ArrayList<>(current);
                for (Lingering old : started) {
                    kept.removeIf(l -> l.sameWire(old));
                    kept.add(old);
                    old.entries().forEach(e -> tx.put(e.map(), e.element(), old, true));
                }
                change.lingering = kept;
            }
            change.remapping = next.isIdentity() ? null : next;
            Instant away = committed == null ? null : committed.awaySince;
            if (next.remoteMoved() && away == null) {
                change.awaySince = now;
                change.awayStarted = true;
            } else if (!next.remoteMoved() && away != null) {
                change.awaySince = null;
                if (committed.stale != null) {
                    for (StaleTuple old : committed.stale) {
                        tx.remove(staleSet(old.key()), new TupleElement(old.key()), old);
                    }
                }
                change.stale = null;
            }
        }
        if (!conflicts.isEmpty()) {
            throw new RemapConflictException(conflicts.size() + " session(s) would collide on the wire with others: "
                    + conflicts, conflicts);
        }
        GhostLedger.Changes ghostDiff = ghosts.stage(ghostChanges, ended);
        for (InetAddress address : ghostDiff.touched()) {
            stageGhost(tx, address, ghostDiff);
        }
        send(tx.diff(), ghostDiff.added(), ghostDiff.removed());
        tx.commit();
        ghostDiff.apply();
        staged.forEach((session, next) -> {
            apply(session, next);
            if (next.graceStarted) {
                lingeringDue.addLast(new Due(lingerUntil, session));
            }
            if (next.awayStarted) {
                awayDue.addLast(new Due(next.awaySince.plus(LINGER), session));
            }
        });
        if (changes.size() + ended.size() >= LARGE_CHANGE && nftables != null) {
            LOG.debug("committed {} remapping(s), {} ghost change(s), {} ended in {} ms", changes.size(),
                    ghostChanges.size(), ended.size(), (System.nanoTime() - startNanos) / 1_000_000);
        }
    }

    /** Stages the entries of {@code previous} out and those of {@code next} in, noting sessions in the way. */
    private void stageEntries(ElementLedger.Transaction tx, Remapping previous, Remapping next,
            Set<SessionTuple> conflicts) {
        SessionTuple session = previous != null ? previous.original() : next.original();
        List<RemapEntry> before = previous == null ? List.of() : RemapEntries.of(previous);
        List<RemapEntry> after = next == null ? List.of() : RemapEntries.of(next);
        for (RemapEntry entry : before) {
            tx.remove(entry.map(), entry.element(), session);
        }
        for (RemapEntry entry : after) {
            Object inTheWay = tx.put(entry.map(), entry.element(), session, false);
            if (inTheWay != null) {
                conflicts.add(session);
            }
        }
    }

    /**
     * Stages one ghost's set elements from the ledger's staged state ({@code changes}, or the committed one when
     * null): its address in the ghost sets while active, and the inbound tuple of each holder using that address,
     * standby or active. The filter looks at the flows only for active ghosts' addresses, so holding them from the
     * start makes a ghost's activation, on a move's critical path, one element whatever its sessions (at 100,000
     * sessions it was 100,000 elements, seconds of the move's data-path change); each flow is added as its session
     * comes, off that path.
     */
    private void stageGhost(ElementLedger.Transaction tx, InetAddress address, GhostLedger.Changes changes) {
        boolean ipv4 = address instanceof java.net.Inet4Address;
        SetReference ghostSet = ipv4 ? SacipSets.GHOSTS4 : SacipSets.GHOSTS6;
        SetReference flowSet = ipv4 ? SacipSets.GHOST_FLOWS4 : SacipSets.GHOST_FLOWS6;
        GhostLedger.View before = ghosts.view(address);
        GhostLedger.View after = changes == null ? before : changes.view(address);
        AddressElement addressElement = new AddressElement(address);
        Object owner = new GhostOwner(address);
        if (before.active()) {
            tx.remove(ghostSet, addressElement, owner);
            if (ipv4) {
                tx.remove(SacipSets.ARP_GHOSTS4, addressElement, owner);
            }
        }
        if (after.active()) {
            tx.put(ghostSet, addressElement, owner, false);
            if (ipv4) {
                tx.put(SacipSets.ARP_GHOSTS4, addressElement, owner, false);
            }
        }
        // Flows: only the holders whose membership changed (all when restaging the committed state).
        Set<SessionTuple> affected = changes == null ? before.holders() : changes.holdersChanged(address);
        for (SessionTuple holder : affected) {
            if (!holder.local().address().equals(address)) {
                continue;
            }
            TupleElement flow = new TupleElement(inboundTuple(holder));
            boolean wasIn = before.holders().contains(holder);
            boolean isIn = after.holders().contains(holder);
            if (wasIn && !isIn) {
                tx.remove(flowSet, flow, owner);
            } else if (isIn && (!wasIn || changes == null)) {
                tx.put(flowSet, flow, owner, false);
            }
        }
    }

    /** A holder's packets as the input hook sees them (after @in and @indst restored them). */
    private static TupleKey inboundTuple(SessionTuple holder) {
        return new TupleKey(holder.remote().address(), holder.local().address(), holder.protocol().number(),
                holder.remote().port(), holder.local().port());
    }

    private static SetReference staleSet(TupleKey key) {
        return key.isIpv4() ? SacipSets.STALE4 : SacipSets.STALE6;
    }

    /** Owner of a ghost's elements in the ledger. */
    private record GhostOwner(InetAddress address) {
    }

    /**
     * Ends the grace periods that are over and puts the stale tuples of peers away for longer than {@link #LINGER}
     * into the kernel, at most {@link #MAINTENANCE_BATCH} elements at a time (the rest at the next call): a move of
     * 100,000 sessions ends 100,000 grace periods at once, and one batch of them held the handover thread, and the
     * moves and answers queued behind it, for seconds. Called about once a second while it returns true; looks only
     * at what is due.
     *
     * @return whether something is still to come (a grace period running, a peer away not yet stale)
     */
    public synchronized boolean maintain() throws DataPathException {
        if (!installed) {
            return false;
        }
        Instant now = clock.instant();
        ElementLedger.Transaction tx = ledger.begin();
        Map<SessionTuple, List<Lingering>> keptLingering = new HashMap<>();
        int budget = MAINTENANCE_BATCH;
        boolean changed = false;
        while (budget > 0 && !lingeringDue.isEmpty() && !lingeringDue.peekFirst().at().isAfter(now)) {
            SessionTuple session = lingeringDue.pollFirst().session();
            SessionPath path = sessions.get(session);
            List<Lingering> current = keptLingering.containsKey(session) ? keptLingering.get(session)
                    : path == null ? null : path.lingering;
            if (current == null) {
                continue;
            }
            List<Lingering> kept = new ArrayList<>(current.size());
            for (Lingering old : current) {
                if (old.until().isAfter(now)) {
                    kept.add(old);
                } else {
                    for (RemapEntry e : old.entries()) {
                        tx.remove(e.map(), e.element(), old);
                        budget--;
                    }
                    changed = true;
                }
            }
            keptLingering.put(session, kept);
        }
        Map<SessionTuple, List<StaleTuple>> due = new HashMap<>();
        Instant threshold = now.minus(LINGER);
        while (budget > 0 && !awayDue.isEmpty() && !awayDue.peekFirst().at().isAfter(now)) {
            SessionTuple session = awayDue.pollFirst().session();
            SessionPath path = sessions.get(session);
            Instant since = path == null ? null : path.awaySince;
            if (since == null || since.isAfter(threshold) || path.stale != null || due.containsKey(session)) {
                // Back home, away again since (a later entry is due then), or stale already.
                continue;
            }
            Remapping remapping = path.remapping;
            Set<InetAddress> locals = new LinkedHashSet<>();
            locals.add(session.local().address());
            if (remapping != null) {
                locals.add(remapping.activeLocal());
                locals.add(remapping.sendFrom());
            }
            List<StaleTuple> tuples = new ArrayList<>();
            for (InetAddress local : locals) {
                StaleTuple tuple = new StaleTuple(session, local);
                if (tx.put(staleSet(tuple.key()), new TupleElement(tuple.key()), tuple, true) == null) {
                    tuples.add(tuple);
                    budget--;
                }
            }
            due.put(session, tuples);
            changed = true;
        }
        if (changed) {
            send(tx.diff(), Set.of(), Set.of());
            tx.commit();
            keptLingering.forEach((session, kept) -> {
                SessionPath path = sessions.get(session);
                path.lingering = kept.isEmpty() ? null : kept;
                if (path.isEmpty()) {
                    sessions.remove(session);
                }
            });
            // A peer away has a record (its away time): the stale tuples join it.
            due.forEach((session, tuples) -> sessions.get(session).stale = tuples);
        }
        return !lingeringDue.isEmpty() || !awayDue.isEmpty();
    }

    /** A session whose grace period ends, or whose peer counts as stale, at {@code at} (if nothing changed since). */
    private record Due(Instant at, SessionTuple session) {
    }

    /** Ghost addresses are added before the element changes that need them and deleted after. */
    private void send(ElementDiff diff, Set<InetAddress> ghostsAdded, Set<InetAddress> ghostsRemoved)
            throws DataPathException {
        if (nftables == null) {
            return;
        }
        for (InetAddress address : ghostsAdded) {
            addGhostAddress(address);
        }
        try {
            sendElements(diff);
        } catch (DataPathException firstAttempt) {
            // Someone may have flushed our table since the last change: put the committed state back and retry.
            LOG.debug("transaction refused, restoring and retrying: {}", firstAttempt.getMessage());
            repair();
            sendElements(diff);
        }
        for (InetAddress address : ghostsRemoved) {
            deleteGhostAddress(address);
        }
    }

    private void sendElements(ElementDiff diff) throws DataPathException {
        if (diff.isEmpty()) {
            return;
        }
        long queued = System.nanoTime();
        diff.queueOn(nftables);
        try {
            long flushed = System.nanoTime();
            nftables.flush();
            if (diff.size() >= LARGE_CHANGE) {
                LOG.debug("{} element change(s): queued in {} ms, taken by the kernel in {} ms", diff.size(),
                        (flushed - queued) / 1_000_000, (System.nanoTime() - flushed) / 1_000_000);
            }
        } catch (NetlinkException e) {
            throw new DataPathException("the kernel refused " + diff.size() + " element change(s)" + where(namespace),
                    e);
        }
    }

    /**
     * Puts the kernel back to the committed state: reloads the ruleset if any of its sets is missing, adds missing
     * ghost addresses to {@code lo}, and changes the elements of every set to exactly the committed ones.
     *
     * @return whether anything had to be changed
     */
    public synchronized boolean restore() throws DataPathException {
        if (!installed) {
            return false;
        }
        return repair();
    }

    /**
     * Puts back ghost addresses missing from {@code lo}, and nothing else: what a deleted ghost needs. The full
     * {@link #restore()} compares every set element with the kernel, seconds at 100,000 sessions with this data path
     * held, for a deletion that cannot have touched them.
     *
     * @return whether a ghost had to be put back
     */
    public synchronized boolean restoreGhosts() throws DataPathException {
        if (!installed) {
            return false;
        }
        boolean changed;
        try {
            changed = putBackGhosts();
        } catch (NetlinkException e) {
            throw new DataPathException("cannot read the addresses of lo" + where(namespace), e);
        }
        if (changed) {
            restores++;
            LOG.info("data path restored{}: ghost address(es) put back on lo", where(namespace));
        }
        return changed;
    }

    /** The index of {@code lo}, where ghost addresses live. */
    public synchronized int loopbackIndex() throws DataPathException {
        try {
            return routes.link("lo").orElseThrow(() -> new NetlinkException("namespace has no 'lo' interface"))
                    .index();
        } catch (NetlinkException e) {
            throw new DataPathException("cannot find lo" + where(namespace), e);
        }
    }

    /** Restores and counts and logs it when something had to be repaired. */
    private boolean repair() throws DataPathException {
        boolean changed = restoreLocked();
        if (changed) {
            restores++;
            LOG.info("data path restored{}: {} remapping(s), {} ghost(s)", where(namespace), remappingCount,
                    ghosts.addresses().size());
        }
        return changed;
    }

    private boolean restoreLocked() throws DataPathException {
        // The nft part first: without it the moved sessions get no packet; ghosts rarely go.
        boolean changed = false;
        try {
            if (!SacipRuleset.isPresent(nftables)) {
                // Replaces any part of our tables that is left (a deleted set or chain) in one transaction.
                loadRuleset();
                changed = true;
            }
            ElementDiff diff = ElementDiff.between(kernelElements(), ledger.snapshot());
            if (!diff.isEmpty()) {
                sendElements(diff);
                changed = true;
            }
            changed |= putBackGhosts();
        } catch (NetlinkException e) {
            throw new DataPathException("cannot read the data path state" + where(namespace), e);
        }
        return changed;
    }

    /** Adds the ghost addresses missing from {@code lo}; returns whether any was. */
    private boolean putBackGhosts() throws NetlinkException, DataPathException {
        boolean changed = false;
        Set<InetAddress> onLoopback = loopbackAddresses();
        for (InetAddress address : ghosts.addresses()) {
            if (!onLoopback.contains(address)) {
                addGhostAddress(address);
                changed = true;
            }
        }
        return changed;
    }

    /** How often {@link #restore()} found something to repair. */
    public synchronized long restoreCount() {
        return restores;
    }

    /**
     * Removes everything this data path added: both tables and every ghost address. The committed state is forgotten
     * and further changes are refused until {@link #install()}.
     */
    public synchronized void flush() throws DataPathException {
        Set<InetAddress> ghostAddresses = ghosts.addresses();
        resetState();
        commands.run(List.of("nft", "-f", "-"), DELETE_TABLES);
        for (InetAddress address : ghostAddresses) {
            deleteGhostAddress(address);
        }
    }

    /** How many sessions are remapped, without copying them. */
    public synchronized int remappingCount() {
        return remappingCount;
    }

    public synchronized Map<SessionTuple, Remapping> remappings() {
        Map<SessionTuple, Remapping> remappings = new HashMap<>(remappingCount * 2);
        sessions.forEach((session, path) -> {
            if (path.remapping != null) {
                remappings.put(session, path.remapping);
            }
        });
        return Map.copyOf(remappings);
    }

    public synchronized Remapping remapping(SessionTuple session) {
        SessionPath path = sessions.get(session);
        return path == null || path.remapping == null ? Remapping.identity(session) : path.remapping;
    }

    /**
     * The session whose packet an ICMP error quotes, when the quoted tuple (our packet as it was on the wire: local
     * end first) is a remapped wire tuple of it. That is when a packet coming back on the quoted tuple would reach
     * the session's socket through our committed entries, current or lingering: the quoted tuple, turned around, is
     * rewritten by {@code inport}, {@code in} and {@code indst} as the {@code pre} chain does, and is not stale. So
     * an error is only ever related to a session that the same tuple could reach anyway. Empty when nothing would be
     * rewritten (the tuple is the socket's own, or no session's).
     */
    public synchronized Optional<SessionTuple> sessionQuotedBy(TupleKey quoted) {
        TupleKey inbound = new TupleKey(quoted.destination(), quoted.source(), quoted.protocol(),
                quoted.destinationPort(), quoted.sourcePort());
        boolean ipv4 = inbound.isIpv4();
        SessionProtocol protocol = protocolOf(quoted.protocol());
        if (protocol == null || quoted.sourcePort() == 0 || quoted.destinationPort() == 0
                || ledger.committed(staleSet(inbound), inbound) != null) {
            return Optional.empty();
        }
        int remotePort = rewrittenPort(ipv4 ? SacipSets.INPORT4 : SacipSets.INPORT6, inbound, inbound.sourcePort());
        TupleKey portRestored = new TupleKey(inbound.source(), inbound.destination(), inbound.protocol(), remotePort,
                inbound.destinationPort());
        InetAddress remote = rewritten(ipv4 ? SacipSets.IN4 : SacipSets.IN6, portRestored, inbound.source());
        TupleKey restored = new TupleKey(remote, inbound.destination(), inbound.protocol(), remotePort,
                inbound.destinationPort());
        InetAddress local = rewritten(ipv4 ? SacipSets.INDST4 : SacipSets.INDST6, restored, inbound.destination());
        if (remotePort == inbound.sourcePort() && remote.equals(inbound.source())
                && local.equals(inbound.destination())) {
            return Optional.empty();
        }
        SessionTuple session = new SessionTuple(protocol, new Endpoint(local, inbound.destinationPort()),
                new Endpoint(remote, remotePort));
        // Every entry belongs to a session (or its lingering addresses); this only guards that bookkeeping.
        SessionPath path = sessions.get(session);
        return path != null && (path.remapping != null || path.lingering != null) ? Optional.of(session)
                : Optional.empty();
    }

    /** The address the committed map element for {@code key} writes, or {@code unchanged} when there is none. */
    private InetAddress rewritten(SetReference map, TupleKey key, InetAddress unchanged) {
        Element element = ledger.committed(map, key);
        return element instanceof MapElement entry ? entry.address() : unchanged;
    }

    /** The port the committed port map element for {@code key} writes, or {@code unchanged} when there is none. */
    private int rewrittenPort(SetReference map, TupleKey key, int unchanged) {
        Element element = ledger.committed(map, key);
        return element instanceof PortMapElement entry ? entry.port() : unchanged;
    }

    private static SessionProtocol protocolOf(int number) {
        for (SessionProtocol protocol : SessionProtocol.values()) {
            if (protocol.number() == number) {
                return protocol;
            }
        }
        return null;
    }

    public synchronized List<Ghost> ghosts() {
        return List.copyOf(ghosts.ghosts());
    }

    /** The ghosts with the number of their holders, not the holders: for views published after every change. */
    public synchronized List<GhostSummary> ghostSummaries() {
        return List.copyOf(ghosts.summaries());
    }

    /** What the data path holds for one session (a record exists while any field is set). */
    private static final class SessionPath {
        /** Never an identity: a session without a remapping has none. */
        Remapping remapping;
        List<Lingering> lingering;
        /** Since when the peer has been away from its original address. */
        Instant awaySince;
        /** The session's stale tuples in the kernel, once its peer has been away for {@link #LINGER}. */
        List<StaleTuple> stale;

        boolean isEmpty() {
            return remapping == null && lingering == null && awaySince == null && stale == null;
        }
    }

    /**
     * A session's state as a commit stages it: starts as the committed one ({@code committed}, null when the session
     * has no record) and becomes the committed one only when the kernel took the change.
     */
    private static final class Staged {
        final SessionPath committed;
        Remapping remapping;
        List<Lingering> lingering;
        Instant awaySince;
        List<StaleTuple> stale;
        boolean graceStarted;
        boolean awayStarted;

        Staged(SessionPath committed) {
            this.committed = committed;
            if (committed != null) {
                remapping = committed.remapping;
                lingering = committed.lingering;
                awaySince = committed.awaySince;
                stale = committed.stale;
            }
        }
    }

    private Staged staged(SessionTuple session) {
        return new Staged(sessions.get(session));
    }

    /** Makes a staged session state the committed one. */
    private void apply(SessionTuple session, Staged next) {
        SessionPath path = next.committed;
        if (next.remapping == null && next.lingering == null && next.awaySince == null && next.stale == null) {
            if (path != null) {
                setRemapping(path, null);
                sessions.remove(session);
            }
            return;
        }
        if (path == null) {
            path = new SessionPath();
            sessions.put(session, path);
        }
        setRemapping(path, next.remapping);
        path.lingering = next.lingering;
        path.awaySince = next.awaySince;
        path.stale = next.stale;
    }

    /** Sets a session's remapping, keeping the count and the addresses sent from in step. */
    private void setRemapping(SessionPath path, Remapping remapping) {
        Remapping old = path.remapping;
        if (old == remapping) {
            return;
        }
        if (old != null) {
            remappingCount--;
            if (old.sendsFromElsewhere()) {
                sendingFrom.computeIfPresent(old.sendFrom(), (address, count) -> count == 1 ? null : count - 1);
            }
        }
        if (remapping != null) {
            remappingCount++;
            if (remapping.sendsFromElsewhere()) {
                sendingFrom.merge(remapping.sendFrom(), 1, Integer::sum);
            }
        }
        path.remapping = remapping;
    }

    /**
     * The addresses remapped sessions send from instead of their socket's: each needs the source route of its own
     * uplink, as a ghost does, since the route lookup of their packets is made with that source (docs/DATAPATH.md).
     */
    public synchronized Set<InetAddress> sendingAddresses() {
        return Set.copyOf(sendingFrom.keySet());
    }

    /** The ghost addresses on {@code lo} now (standby and active). */
    public synchronized Set<InetAddress> ghostAddresses() {
        return ghosts.addresses();
    }

    /** Whether a held ghost has this address: the guard restores such an address when someone deletes it. */
    public synchronized boolean holdsGhost(InetAddress address) {
        return ghosts.holds(address);
    }

    /** Elements in our sets now (for status and tests). */
    public synchronized int elementCount() {
        return ledger.size();
    }

    private KernelElements kernelElements() throws NetlinkException {
        Map<SetReference, Map<Object, Element>> bySet = new LinkedHashMap<>();
        for (SetReference set : SacipSets.all()) {
            Map<Object, Element> elements = new LinkedHashMap<>();
            for (Element element : nftables.listElements(set)) {
                elements.put(ElementLedger.keyOf(element), element);
            }
            bySet.put(set, elements);
        }
        return new KernelElements(bySet);
    }

    private Set<InetAddress> loopbackAddresses() throws NetlinkException {
        int loopback = routes.link("lo").orElseThrow(() -> new NetlinkException("namespace has no 'lo' interface"))
                .index();
        return routes.addresses().stream().filter(address -> address.interfaceIndex() == loopback)
                .map(InterfaceAddress::address).collect(Collectors.toSet());
    }

    private void addGhostAddress(InetAddress address) throws DataPathException {
        try {
            routes.addGhost(address);
        } catch (NetlinkErrorException e) {
            if (e.errno() != Errno.EEXIST) {
                throw new DataPathException("cannot add ghost " + AddressText.of(address) + " to lo", e);
            }
        } catch (NetlinkException e) {
            throw new DataPathException("cannot add ghost " + AddressText.of(address) + " to lo", e);
        }
    }

    private void deleteGhostAddress(InetAddress address) throws DataPathException {
        try {
            routes.deleteGhost(address);
        } catch (NetlinkErrorException e) {
            if (e.errno() != Errno.EADDRNOTAVAIL) {
                throw new DataPathException("cannot delete ghost " + AddressText.of(address) + " from lo", e);
            }
        } catch (NetlinkException e) {
            throw new DataPathException("cannot delete ghost " + AddressText.of(address) + " from lo", e);
        }
    }

    private void loadRuleset() throws DataPathException {
        commands.run(List.of("nft", "-f", "-"), SacipRuleset.text(settings));
    }

    private void requireInstalled() throws DataPathException {
        if (!installed) {
            throw new DataPathException("the data path is not installed" + where(namespace));
        }
    }

    private static String where(NetNamespace namespace) {
        return namespace == null ? "" : " in " + namespace.path();
    }

    /** Closes the netlink sockets; the kernel keeps the ruleset, the entries and the ghosts. */
    @Override
    public synchronized void close() {
        if (nftables != null) {
            nftables.close();
            routes.close();
        }
    }
}
