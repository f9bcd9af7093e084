package org.sacip.agent.datapath;

import org.sacip.netlink.AddressText;
import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.sacip.netlink.Errno;
import org.sacip.netlink.NetNamespace;
import org.sacip.netlink.NetlinkErrorException;
import org.sacip.netlink.NetlinkException;
import org.sacip.netlink.nftables.Element;
import org.sacip.netlink.nftables.NfTablesConnection;
import org.sacip.netlink.nftables.RulesetLoadException;
import org.sacip.netlink.nftables.SacipRuleset;
import org.sacip.netlink.nftables.SacipSets;
import org.sacip.netlink.nftables.SetReference;
import org.sacip.netlink.route.InterfaceAddress;
import org.sacip.netlink.route.RtnetlinkClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The data path of one network namespace: the fixed nft ruleset, the remapping entries of moved sessions and the
 * ghost addresses on {@code lo}. Every change is computed as the difference between the committed state and the
 * next one and reaches the kernel as one nft transaction (plus the ghost address changes around it: ghosts are
 * added before the entries that need them and deleted after); the committed state changes only when the kernel
 * took the change. A TCP session whose local address moved also gets a {@link ResetBlock} routing rule, so the
 * kernel cannot reset it while our table is missing. {@link #restore()} puts the kernel back to the committed
 * state after others changed it.
 * Closing leaves everything in place (remapped sessions keep working); {@link #flush()} removes it all.
 * Thread-safe: the guard restores while callers apply.
 */
public final class DataPath implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(DataPath.class);
    /** How long old wire addresses stay accepted after a change (the other end switches within retransmissions). */
    static final Duration LINGER = Duration.ofSeconds(20);
    private static final String DELETE_TABLES = "add table inet sacip\ndelete table inet sacip\n"
            + "add table arp sacip\ndelete table arp sacip\n";

    private final NetNamespace namespace;
    private final NfTablesConnection nftables;
    private final RtnetlinkClient routes;
    private final NamespaceCommand commands;
    private final ResetBlockRules resetBlocks;
    private Map<SessionTuple, Remapping> remappings = new LinkedHashMap<>();
    private GhostLedger ghosts = new GhostLedger();
    private List<Lingering> lingering = List.of();
    /** The reset blocks last put into the kernel, and whether the remappings changed since. */
    private Set<ResetBlock> installedBlocks = Set.of();
    private boolean resetBlocksStale;
    private boolean installed;
    private long restores;

    private DataPath(NetNamespace namespace, NfTablesConnection nftables, RtnetlinkClient routes,
            RtnetlinkClient ruleRoutes) {
        this.namespace = namespace;
        this.nftables = nftables;
        this.routes = routes;
        this.commands = new NamespaceCommand(namespace);
        this.resetBlocks = new ResetBlockRules(ruleRoutes);
    }

    /** The data path of the caller's namespace. */
    public static DataPath open() throws DataPathException {
        return open(null);
    }

    /** The data path of another namespace ({@code null}: the caller's). Nothing changes until {@link #install}. */
    public static DataPath open(NetNamespace namespace) throws DataPathException {
        List<AutoCloseable> opened = new ArrayList<>();
        try {
            NfTablesConnection nftables = namespace == null ? NfTablesConnection.open()
                    : NfTablesConnection.open(namespace);
            opened.add(nftables);
            RtnetlinkClient routes = namespace == null ? RtnetlinkClient.open() : RtnetlinkClient.open(namespace);
            opened.add(routes);
            RtnetlinkClient ruleRoutes = namespace == null ? RtnetlinkClient.open()
                    : RtnetlinkClient.open(namespace);
            return new DataPath(namespace, nftables, routes, ruleRoutes);
        } catch (NetlinkException e) {
            for (AutoCloseable resource : opened) {
                try {
                    resource.close();
                } catch (Exception ignored) {
                    // Already failing; the first error is the one to report.
                }
            }
            throw new DataPathException("cannot open netlink sockets" + where(namespace), e);
        }
    }

    /** The namespace this data path works in, {@code null} for the caller's. */
    public NetNamespace namespace() {
        return namespace;
    }

    /**
     * Starts with nothing remapped: loads the ruleset if it is missing and removes any element an earlier run left
     * in our sets. Until then every other change is refused.
     */
    public boolean install() throws DataPathException {
        return install(List.of(), List.of());
    }

    /**
     * Starts from a known state (after a restart: the remappings and ghosts the sessions still need). The ruleset
     * is loaded only if it is missing, so entries already in the kernel keep working without a gap; then the
     * kernel is made to match the state exactly. Ghost addresses on {@code lo} that the state does not name are
     * left alone (they may belong to someone else).
     *
     * @return whether the kernel had to be changed to match the state
     */
    public synchronized boolean install(Collection<Remapping> state, Collection<Ghost> stateGhosts)
            throws DataPathException {
        Map<SessionTuple, Remapping> nextRemappings = new LinkedHashMap<>();
        for (Remapping remapping : state) {
            if (!remapping.isIdentity()) {
                nextRemappings.put(remapping.original(), remapping);
            }
        }
        GhostLedger nextGhosts = new GhostLedger();
        for (Ghost ghost : stateGhosts) {
            for (SessionTuple holder : ghost.holders()) {
                nextGhosts.hold(ghost.address(), holder);
            }
            if (ghost.active()) {
                nextGhosts.activate(ghost.address());
            }
        }
        KernelElements.of(nextRemappings.values(), nextGhosts.ghosts());
        remappings = nextRemappings;
        ghosts = nextGhosts;
        lingering = List.of();
        installed = true;
        return restoreLocked();
    }

    public synchronized boolean isInstalled() {
        return installed;
    }

    /**
     * Applies remappings in one transaction. A remapping whose local address moved holds the ghost of its
     * original local address and activates it (the address has left its interface). A remapping back to the
     * session's original addresses removes its entries and releases its ghost.
     */
    public synchronized void apply(Collection<Remapping> changes) throws DataPathException {
        requireInstalled();
        Map<SessionTuple, Remapping> nextRemappings = new LinkedHashMap<>(remappings);
        GhostLedger nextGhosts = ghosts.copy();
        List<Lingering> nextLingering = new ArrayList<>(lingering);
        Instant lingerUntil = Instant.now().plus(LINGER);
        for (Remapping remapping : changes) {
            SessionTuple session = remapping.original();
            InetAddress original = session.local().address();
            nextLingering.addAll(Lingering.between(remappings.get(session), remapping, lingerUntil));
            if (remapping.isIdentity()) {
                nextRemappings.remove(session);
                nextGhosts.release(original, session);
            } else {
                nextRemappings.put(session, remapping);
                Remapping previous = remappings.get(session);
                if (remapping.localMoved()) {
                    nextGhosts.hold(original, session);
                    // Activated by the move itself only: re-applying a session that already uses this address (its
                    // peer moved, its original returned and waits for the peer) keeps the ghost as it is.
                    if (previous == null || !remapping.activeLocal().equals(previous.activeLocal())) {
                        nextGhosts.activate(original);
                    }
                } else if (previous != null && previous.localMoved()) {
                    // Back on the original local address with only the peer moved: the ghost is no longer ours
                    // to keep (a standby hold of a session that never moved is left alone).
                    nextGhosts.release(original, session);
                }
            }
        }
        commit(nextRemappings, nextGhosts, nextLingering);
    }

    /** One lingering entry per session and old address, the latest: moving back and forth must not pile them up. */
    private static List<Lingering> latestPerAddress(List<Lingering> all) {
        Map<List<Object>, Lingering> latest = new LinkedHashMap<>();
        for (Lingering old : all) {
            latest.merge(List.of(old.session(), old.remoteOnWire(), old.localOnWire()), old,
                    (a, b) -> a.until().isAfter(b.until()) ? a : b);
        }
        return List.copyOf(latest.values());
    }

    /** Ends the grace periods that are over (called about once a second). */
    public synchronized void expireLingering(Instant now) throws DataPathException {
        if (!installed || lingering.stream().noneMatch(l -> !l.until().isAfter(now))) {
            return;
        }
        commit(remappings, ghosts, lingering.stream().filter(l -> l.until().isAfter(now)).toList());
    }

    public void apply(Remapping remapping) throws DataPathException {
        apply(List.of(remapping));
    }

    /** The sessions ended: their entries go and they release every ghost they held, in one transaction. */
    public synchronized void remove(Collection<SessionTuple> sessions) throws DataPathException {
        requireInstalled();
        Map<SessionTuple, Remapping> nextRemappings = new LinkedHashMap<>(remappings);
        GhostLedger nextGhosts = ghosts.copy();
        for (SessionTuple session : sessions) {
            nextRemappings.remove(session);
            nextGhosts.releaseAll(session);
        }
        Set<SessionTuple> ended = Set.copyOf(sessions);
        commit(nextRemappings, nextGhosts, lingering.stream().filter(l -> !ended.contains(l.session())).toList());
    }

    /**
     * A standby ghost of {@code address} for {@code session}, added to {@code lo} at once so the address stays
     * local the moment it leaves its interface (make-before-break without a lost packet).
     */
    public synchronized void holdGhost(InetAddress address, SessionTuple session) throws DataPathException {
        requireInstalled();
        GhostLedger next = ghosts.copy();
        next.hold(address, session);
        commit(remappings, next);
    }

    /**
     * Standby ghosts for many sessions in one change: each session holds the ghost of its own local address (see
     * {@link #holdGhost}).
     */
    public synchronized void holdGhosts(Collection<SessionTuple> sessions) throws DataPathException {
        requireInstalled();
        GhostLedger next = ghosts.copy();
        for (SessionTuple session : sessions) {
            next.hold(session.local().address(), session);
        }
        commit(remappings, next);
    }

    /** The sessions no longer need the ghosts of their local addresses (see {@link #releaseGhost}). */
    public synchronized void releaseGhosts(Collection<SessionTuple> sessions) throws DataPathException {
        requireInstalled();
        GhostLedger next = ghosts.copy();
        for (SessionTuple session : sessions) {
            next.release(session.local().address(), session);
        }
        commit(remappings, next);
    }

    /** The session no longer needs the ghost; it goes with its last holder. */
    public synchronized void releaseGhost(InetAddress address, SessionTuple session) throws DataPathException {
        requireInstalled();
        GhostLedger next = ghosts.copy();
        next.release(address, session);
        commit(remappings, next);
    }

    /** The address left its interface: its ghost stops answering ARP and refuses new TCP connections. */
    public synchronized void activateGhost(InetAddress address) throws DataPathException {
        requireInstalled();
        GhostLedger next = ghosts.copy();
        try {
            next.activate(address);
        } catch (IllegalStateException e) {
            throw new DataPathException(e.getMessage());
        }
        commit(remappings, next);
    }

    /** The address is back on an interface: its ghost returns to standby (answers ARP, accepts connections). */
    public synchronized void deactivateGhost(InetAddress address) throws DataPathException {
        requireInstalled();
        GhostLedger next = ghosts.copy();
        try {
            next.deactivate(address);
        } catch (IllegalStateException e) {
            throw new DataPathException(e.getMessage());
        }
        commit(remappings, next);
    }

    private void commit(Map<SessionTuple, Remapping> nextRemappings, GhostLedger nextGhosts)
            throws DataPathException {
        commit(nextRemappings, nextGhosts, lingering);
    }

    private void commit(Map<SessionTuple, Remapping> nextRemappings, GhostLedger nextGhosts,
            List<Lingering> nextLingering) throws DataPathException {
        KernelElements current = KernelElements.of(remappings.values(), ghosts.ghosts(), lingering);
        KernelElements desired = KernelElements.of(nextRemappings.values(), nextGhosts.ghosts(), nextLingering);
        Set<InetAddress> before = ghosts.addresses();
        Set<InetAddress> after = nextGhosts.addresses();
        for (InetAddress address : after) {
            if (!before.contains(address)) {
                addGhostAddress(address);
            }
        }
        ElementDiff diff = ElementDiff.between(current, desired);
        sendOrRepairAndRetry(diff);
        // The reset blocks follow off the handover's critical path (syncResetBlocks): they only matter while a
        // flushed table is being restored, and adding many rules costs tens of milliseconds.
        resetBlocksStale = true;
        for (InetAddress address : before) {
            if (!after.contains(address)) {
                deleteGhostAddress(address);
            }
        }
        remappings = nextRemappings;
        ghosts = nextGhosts;
        lingering = latestPerAddress(nextLingering);
    }

    private void sendOrRepairAndRetry(ElementDiff diff) throws DataPathException {
        try {
            send(diff);
        } catch (DataPathException firstAttempt) {
            // Someone may have flushed our table since the last change: put the committed state back and retry.
            LOG.debug("transaction refused, restoring and retrying: {}", firstAttempt.getMessage());
            repair();
            send(diff);
        }
    }

    private static Set<ResetBlock> blocksOf(Collection<Remapping> remappings) {
        Set<ResetBlock> blocks = new LinkedHashSet<>();
        for (Remapping remapping : remappings) {
            ResetBlock.of(remapping).ifPresent(blocks::add);
        }
        return blocks;
    }

    private void send(ElementDiff diff) throws DataPathException {
        if (diff.isEmpty()) {
            return;
        }
        diff.queueOn(nftables);
        try {
            nftables.flush();
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

    /** Restores and counts and logs it when something had to be repaired. */
    private boolean repair() throws DataPathException {
        boolean changed = restoreLocked();
        if (changed) {
            restores++;
            LOG.info("data path restored{}: {} remapping(s), {} ghost(s)", where(namespace), remappings.size(),
                    ghosts.ghosts().size());
        }
        return changed;
    }

    private boolean restoreLocked() throws DataPathException {
        // The nft part first: without it the moved sessions get no packet; ghosts and reset blocks rarely go.
        boolean changed = false;
        try {
            if (!SacipRuleset.isPresent(nftables)) {
                // Replaces any part of our tables that is left (a deleted set or chain) in one transaction.
                loadRuleset();
                changed = true;
            }
            ElementDiff diff = ElementDiff.between(kernelElements(),
                    KernelElements.of(remappings.values(), ghosts.ghosts(), lingering));
            if (!diff.isEmpty()) {
                send(diff);
                changed = true;
            }
            Set<InetAddress> onLoopback = loopbackAddresses();
            for (InetAddress address : ghosts.addresses()) {
                if (!onLoopback.contains(address)) {
                    addGhostAddress(address);
                    changed = true;
                }
            }
        } catch (NetlinkException e) {
            throw new DataPathException("cannot read the data path state" + where(namespace), e);
        }
        Set<ResetBlock> wantedBlocks = blocksOf(remappings.values());
        Set<ResetBlock> presentBlocks = resetBlocks.list();
        if (!presentBlocks.equals(wantedBlocks)) {
            changed |= installBlocks(presentBlocks, wantedBlocks) && !resetBlocksStale;
        }
        installedBlocks = wantedBlocks;
        resetBlocksStale = false;
        return changed;
    }

    /**
     * Brings the reset-block routing rules up to the committed remappings (after {@link #apply} and friends, which
     * leave them behind on purpose). Cheap when nothing changed; the agent calls it a few times a second.
     */
    public void syncResetBlocks() throws DataPathException {
        Set<ResetBlock> present;
        Set<ResetBlock> wanted;
        synchronized (this) {
            if (!resetBlocksStale || !installed) {
                return;
            }
            present = installedBlocks;
            wanted = blocksOf(remappings.values());
            resetBlocksStale = false;
        }
        // The rules go in without the data path's lock (on their own netlink socket), so a handover running
        // meanwhile is not held up by them.
        try {
            installBlocks(present, wanted);
        } catch (DataPathException e) {
            synchronized (this) {
                resetBlocksStale = true;
            }
            throw e;
        }
        synchronized (this) {
            installedBlocks = wanted;
        }
    }

    private boolean installBlocks(Set<ResetBlock> present, Set<ResetBlock> wanted) throws DataPathException {
        Set<ResetBlock> missing = new LinkedHashSet<>(wanted);
        missing.removeAll(present);
        Set<ResetBlock> extra = new LinkedHashSet<>(present);
        extra.removeAll(wanted);
        resetBlocks.add(missing);
        resetBlocks.delete(extra);
        return !missing.isEmpty() || !extra.isEmpty();
    }

    /** How often {@link #restore()} found something to repair. */
    public synchronized long restoreCount() {
        return restores;
    }

    /**
     * Removes everything this data path added: both tables, every reset block and every ghost address. The
     * committed state is
     * forgotten and further changes are refused until {@link #install()}.
     */
    public synchronized void flush() throws DataPathException {
        installed = false;
        commands.run(List.of("nft", "-f", "-"), DELETE_TABLES);
        resetBlocks.delete(resetBlocks.list());
        installedBlocks = Set.of();
        resetBlocksStale = false;
        for (InetAddress address : ghosts.addresses()) {
            deleteGhostAddress(address);
        }
        remappings = new LinkedHashMap<>();
        ghosts = new GhostLedger();
        lingering = List.of();
    }

    public synchronized Map<SessionTuple, Remapping> remappings() {
        return Map.copyOf(remappings);
    }

    public synchronized List<Ghost> ghosts() {
        return List.copyOf(ghosts.ghosts());
    }

    /** Whether a held ghost has this address: the guard restores such an address when someone deletes it. */
    public synchronized boolean holdsGhost(InetAddress address) {
        return ghosts.holds(address);
    }

    private KernelElements kernelElements() throws NetlinkException, RemapConflictException {
        Map<SetReference, Map<Object, Element>> bySet = new LinkedHashMap<>();
        for (SetReference set : SacipSets.all()) {
            Map<Object, Element> elements = new LinkedHashMap<>();
            for (Element element : nftables.listElements(set)) {
                elements.put(KernelElements.keyOf(element), element);
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
        try {
            commands.run(List.of("nft", "-f", "-"), SacipRuleset.text());
        } catch (RulesetLoadException e) {
            throw new DataPathException("cannot read the ruleset", e);
        }
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
        nftables.close();
        routes.close();
        resetBlocks.close();
    }
}
