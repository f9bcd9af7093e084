package org.sacip.agent.datapath;

import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import org.sacip.agent.thread.EventThreads;
import org.sacip.netlink.AddressText;
import org.sacip.netlink.NetNamespace;
import org.sacip.netlink.NetlinkException;
import org.sacip.netlink.NetlinkOverrunException;
import org.sacip.netlink.nftables.NfTablesEvent;
import org.sacip.netlink.nftables.NfTablesEventStream;
import org.sacip.netlink.nftables.NftFamily;
import org.sacip.netlink.route.AddressEvent;
import org.sacip.netlink.route.RtnetlinkEvent;
import org.sacip.netlink.route.RtnetlinkEvents;
import org.sacip.netlink.route.RtnetlinkGroup;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps a data path in place against others: when something deletes from our tables (a firewall reload running
 * {@code nft flush ruleset}, {@code nft delete table inet sacip}, a flushed map) it calls {@link DataPath#restore()},
 * which compares the kernel with the committed state and repairs the difference; when something deletes a ghost
 * address from {@code lo}, {@link DataPath#restoreGhosts()} puts the ghosts back.
 * The kernel drops the notifications of the data path's own element changes before they are queued (a move of
 * 10,000 sessions announces tens of thousands of elements, which would overrun the socket and cost a full
 * comparison each time). Ruleset loads by the agent's {@code nft} process still look foreign and cost one
 * comparison that finds nothing. Lost events (an overrun: the socket is drained, then the comparison runs) trigger
 * it too. Two daemon threads, one per event source; {@link #close()} stops them.
 */
public final class DataPathGuard implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(DataPathGuard.class);
    /** After a failed read or restore, a thread waits this long before it tries again (instead of spinning). */
    private static final Duration ERROR_PAUSE = Duration.ofMillis(200);
    /** How long {@link #close()} waits for each woken thread to end. */
    private static final Duration STOP_WAIT = Duration.ofSeconds(2);

    private final DataPath dataPath;
    private final NfTablesEventStream nftEvents;
    private final RtnetlinkEvents addressEvents;
    private final Thread nftThread;
    private final Thread addressThread;
    private final int loopbackIndex;
    private volatile boolean running = true;

    /** Told after the guard put back what someone else removed (on the guard's thread; must not block). */
    @FunctionalInterface
    public interface RestoreListener {
        void restored(String reason, int remappings, int ghosts);

        RestoreListener NONE = (reason, remappings, ghosts) -> { };
    }

    private final RestoreListener listener;

    private DataPathGuard(DataPath dataPath, NfTablesEventStream nftEvents, RtnetlinkEvents addressEvents,
            int loopbackIndex, RestoreListener listener) {
        this.dataPath = dataPath;
        this.loopbackIndex = loopbackIndex;
        this.listener = listener;
        this.nftEvents = nftEvents;
        this.addressEvents = addressEvents;
        this.nftThread = EventThreads.ordinary(this::watchNfTables, "sacip-guard-nft");
        this.addressThread = EventThreads.ordinary(this::watchAddresses, "sacip-guard-addr");
        nftThread.setDaemon(true);
        addressThread.setDaemon(true);
    }

    /**
     * Subscribes to the events of the data path's namespace, then restores once (a change before the
     * subscription would otherwise go unnoticed) and starts watching.
     */
    public static DataPathGuard start(DataPath dataPath) throws DataPathException {
        return start(dataPath, RestoreListener.NONE);
    }

    /** As {@link #start(DataPath)}, telling {@code listener} of every repair after the first check. */
    public static DataPathGuard start(DataPath dataPath, RestoreListener listener) throws DataPathException {
        NetNamespace namespace = dataPath.namespace();
        int loopbackIndex = dataPath.loopbackIndex();
        NfTablesEventStream nftEvents = null;
        try {
            nftEvents = namespace == null ? NfTablesEventStream.open() : NfTablesEventStream.open(namespace);
            EnumSet<RtnetlinkGroup> groups = EnumSet.of(RtnetlinkGroup.IPV4_ADDRESS, RtnetlinkGroup.IPV6_ADDRESS);
            RtnetlinkEvents addressEvents = namespace == null ? RtnetlinkEvents.open(groups)
                    : RtnetlinkEvents.open(namespace, groups);
            nftEvents.ignoreTransactionsOf(dataPath.nfTablesPortId());
            DataPathGuard guard = new DataPathGuard(dataPath, nftEvents, addressEvents, loopbackIndex,
                    listener);
            dataPath.restore();
            guard.nftThread.start();
            guard.addressThread.start();
            return guard;
        } catch (NetlinkException e) {
            if (nftEvents != null) {
                nftEvents.close();
            }
            throw new DataPathException("cannot subscribe to nf_tables and address events", e);
        }
    }

    private void watchNfTables() {
        TransactionFilter ownChanges = new TransactionFilter(ProcessHandle.current().pid());
        while (running) {
            try {
                // Both threads wait without a timeout; close() wakes them.
                if (ownChanges.needsRestore(nftEvents.take())) {
                    restore("nf_tables change");
                }
            } catch (NetlinkOverrunException lost) {
                // The socket was drained: a transaction may have ended without its generation event.
                ownChanges = new TransactionFilter(ProcessHandle.current().pid());
                restore("lost nf_tables events");
            } catch (NetlinkException e) {
                if (running) {
                    LOG.warn("reading nf_tables events failed: {}", e.getMessage());
                    pause();
                }
            }
        }
    }

    private void watchAddresses() {
        while (running) {
            try {
                List<RtnetlinkEvent> events = addressEvents.take();
                for (RtnetlinkEvent event : events) {
                    // Only a ghost's own address on lo: a move deletes the same address from its interface while
                    // a standby ghost holds it, and that is no reason to look at the data path at all.
                    if (event instanceof AddressEvent address && address.kind() == AddressEvent.Kind.REMOVED
                            && address.address().interfaceIndex() == loopbackIndex
                            && dataPath.holdsGhost(address.address().address())) {
                        restoreGhosts("ghost " + AddressText.of(address.address().address()) + " deleted");
                        break;
                    }
                }
            } catch (NetlinkOverrunException lost) {
                restore("lost address events");
            } catch (NetlinkException e) {
                if (running) {
                    LOG.warn("reading address events failed: {}", e.getMessage());
                    pause();
                }
            }
        }
    }

    /**
     * Tells the changes of others from our own: every nf_tables transaction ends with a generation event naming the
     * process that made it, so a removal in our table counts only when that process is not this one (each of our
     * handovers deletes elements; answering those with a full restore held up the next handover).
     */
    static final class TransactionFilter {
        private final long ownPid;
        private boolean removalInTransaction;

        TransactionFilter(long ownPid) {
            this.ownPid = ownPid;
        }

        /** Whether the events (in order, possibly ending mid-transaction) finish a foreign removal of ours. */
        boolean needsRestore(List<NfTablesEvent> events) {
            boolean restore = false;
            for (NfTablesEvent event : events) {
                if (event instanceof NfTablesEvent.Generation generation) {
                    restore |= removalInTransaction && generation.processId() != ownPid;
                    removalInTransaction = false;
                } else if (removesOurs(event)) {
                    removalInTransaction = true;
                }
            }
            return restore;
        }
    }

    /**
     * Whether the event takes a table, set or element away from us. A chain or rule deleted on its own is not
     * watched: our own ruleset reload announces such deletions too, and reacting to them would loop.
     */
    static boolean removesOurs(NfTablesEvent event) {
        if (event instanceof NfTablesEvent.TableChanged table) {
            return table.change() == NfTablesEvent.Change.DELETED && ours(table.family(), table.table());
        }
        if (event instanceof NfTablesEvent.SetChanged set) {
            return set.change() == NfTablesEvent.Change.DELETED && ours(set.family(), set.table());
        }
        if (event instanceof NfTablesEvent.ElementsChanged elements) {
            return elements.change() == NfTablesEvent.Change.DELETED
                    && ours(elements.elements().family(), elements.elements().table());
        }
        return false;
    }

    private static boolean ours(NftFamily family, String table) {
        return (family == NftFamily.INET || family == NftFamily.ARP) && SacipSets.TABLE.equals(table);
    }

    private void restoreGhosts(String reason) {
        repair(reason, dataPath::restoreGhosts);
    }

    private void restore(String reason) {
        repair(reason, dataPath::restore);
    }

    /** A repair of the data path; returns whether something had to be put back. */
    @FunctionalInterface
    private interface Repair {
        boolean run() throws DataPathException;
    }

    private void repair(String reason, Repair repair) {
        // Retried until it works: the sessions depend on it, and no further event may come to trigger it.
        while (running) {
            try {
                if (repair.run()) {
                    LOG.info("data path repaired after {}", reason);
                    listener.restored(reason, dataPath.remappingCount(), dataPath.ghostSummaries().size());
                }
                return;
            } catch (DataPathException e) {
                LOG.warn("cannot restore the data path after {}: {}", reason, e.getMessage());
                pause();
            }
        }
    }

    /** After a failure, wait a little before the next attempt instead of spinning. */
    private void pause() {
        try {
            Thread.sleep(ERROR_PAUSE.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running = false;
        }
    }

    /** Stops watching; the data path stays as it is. */
    @Override
    public void close() {
        running = false;
        nftEvents.wakeup();
        addressEvents.wakeup();
        try {
            nftThread.join(STOP_WAIT.toMillis());
            addressThread.join(STOP_WAIT.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        nftEvents.close();
        addressEvents.close();
    }
}
