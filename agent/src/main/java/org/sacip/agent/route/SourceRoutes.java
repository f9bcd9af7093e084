package org.sacip.agent.route;

import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.sacip.agent.move.ManagedScope;
import org.sacip.agent.thread.EventThreads;
import org.sacip.netlink.AddressText;
import org.sacip.netlink.Errno;
import org.sacip.netlink.NetNamespace;
import org.sacip.netlink.NetlinkErrorException;
import org.sacip.netlink.NetlinkException;
import org.sacip.netlink.route.RouteInfo;
import org.sacip.netlink.route.RouteRequest;
import org.sacip.netlink.route.RoutingRule;
import org.sacip.netlink.route.RtnetlinkClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the source routes of the addresses that carry sessions in the kernel (docs/DATAPATH.md, "Source routes"),
 * on a thread of its own: told which addresses carry sessions (as their standby ghosts are kept) and when the
 * kernel's addresses, links or routes changed, it reads the kernel, plans with the pure {@link SourceRoutePlanner}
 * and changes only what differs. Someone else removing one of its rules or routes is such a change (the move
 * monitor hears it as a routing event); a check every {@link #SAFETY_CHECK} covers events lost unannounced. It
 * touches only rules and routes tagged {@link SourceRouteSettings#PROTOCOL}. Starting refuses when another program
 * holds the configured priorities or tables. Closing leaves the kernel as it is (the sessions keep their routes);
 * an empty set of addresses (a flush) removes everything.
 */
public final class SourceRoutes implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SourceRoutes.class);
    static final Duration SAFETY_CHECK = Duration.ofMinutes(10);
    private static final Duration RETRY = Duration.ofSeconds(1);

    private final RtnetlinkClient client;
    private final SourceRouteSettings settings;
    private final ManagedScope scope;
    private final ScheduledExecutorService loop;
    private final AtomicBoolean refreshPending = new AtomicBoolean();
    private volatile Set<InetAddress> carrying = Set.of();
    /** Whether {@link #addresses} was called: the first call plans even when empty (leftovers of an earlier run). */
    private volatile boolean told;
    private volatile Map<InetAddress, Long> tables = Map.of();
    // Loop thread only:
    private Map<InetAddress, UplinkDefault> remembered = Map.of();
    private boolean retryScheduled;
    private final Set<InetAddress> reportedWithoutTable = new HashSet<>();

    private SourceRoutes(RtnetlinkClient client, SourceRouteSettings settings, ManagedScope scope) {
        this.client = client;
        this.settings = settings;
        this.scope = scope;
        this.loop = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = EventThreads.ordinary(runnable, "sacip-routes");
            thread.setDaemon(true);
            return thread;
        });
    }

    /**
     * Checks that the configured priorities and tables are free of other programs' rules and routes, then starts
     * (the namespace's, or the caller's when empty). Rules and routes of ours left by an earlier run stay until the
     * first plan decides on them.
     * @throws SourceRouteException when another program holds a priority or table of ours, or the kernel's rules
     *                              cannot be read
     */
    public static SourceRoutes start(Optional<NetNamespace> namespace, SourceRouteSettings settings,
            ManagedScope scope) throws SourceRouteException {
        RtnetlinkClient client;
        try {
            client = namespace.isPresent() ? RtnetlinkClient.open(namespace.get()) : RtnetlinkClient.open();
        } catch (NetlinkException e) {
            throw new SourceRouteException(SourceRouteException.Reason.KERNEL, "cannot open a routing socket", e);
        }
        try {
            check(client, settings);
        } catch (SourceRouteException | RuntimeException e) {
            client.close();
            throw e;
        }
        SourceRoutes routes = new SourceRoutes(client, settings, scope);
        routes.scheduleSafetyCheck();
        return routes;
    }

    /** The start-up check: our priorities and tables must hold nothing of anyone else's. */
    static void check(RtnetlinkClient client, SourceRouteSettings settings) throws SourceRouteException {
        List<RoutingRule> rules;
        List<RouteInfo> routes;
        try {
            rules = client.rules();
            routes = client.routes();
        } catch (NetlinkException e) {
            throw new SourceRouteException(SourceRouteException.Reason.KERNEL, "cannot read the routing rules", e);
        }
        List<RoutingRule> later = new ArrayList<>();
        for (RoutingRule rule : rules) {
            if (rule.protocol() == SourceRouteSettings.PROTOCOL) {
                continue;
            }
            if (rule.priority() == settings.suppressPriority() || rule.priority() == settings.sourcePriority()) {
                throw new SourceRouteException(SourceRouteException.Reason.PRIORITY_TAKEN, "another program's"
                        + " routing rule (" + rule + ") sits at priority " + rule.priority() + ", one of the two"
                        + " the agent's source routes use (" + settings.suppressPriority() + " and "
                        + settings.sourcePriority() + "): set source-route-priority to another value");
            }
            if (settings.ownsTable(rule.table())) {
                throw new SourceRouteException(SourceRouteException.Reason.TABLE_TAKEN, "another program's routing"
                        + " rule (" + rule + ") looks up table " + rule.table() + ", inside source-route-tables "
                        + settings.firstTable() + "-" + settings.lastTable() + ": choose another range");
            }
            if (rule.priority() > settings.sourcePriority()
                    && rule.priority() < SourceRouteSettings.MAIN_RULE_PRIORITY) {
                later.add(rule);
            }
        }
        for (RouteInfo route : routes) {
            long table = Integer.toUnsignedLong(route.table());
            if (settings.ownsTable(table) && route.protocol() != SourceRouteSettings.PROTOCOL) {
                throw new SourceRouteException(SourceRouteException.Reason.TABLE_TAKEN, "routing table " + table
                        + " holds another program's route (protocol " + route.protocol() + "), inside"
                        + " source-route-tables " + settings.firstTable() + "-" + settings.lastTable()
                        + ": choose another range");
            }
        }
        if (!later.isEmpty()) {
            LOG.warn("{} routing rule(s) of other programs come after the agent's source routes (priority {}), e.g."
                    + " {}: packets of addresses that carry sessions may skip them; a lower source-route-priority"
                    + " puts the agent's rules after them", later.size(), settings.sourcePriority(), later.get(0));
        }
    }

    /**
     * The addresses that carry sessions now (the ghost addresses, standby and active), and those that moved sessions
     * send from; both empty after a flush.
     */
    public void addresses(Set<InetAddress> ghostAddresses, Set<InetAddress> sendingAddresses) {
        Set<InetAddress> both = new HashSet<>(ghostAddresses);
        both.addAll(sendingAddresses);
        if (told && carrying.equals(both)) {
            // Every data-path commit tells; most change nothing here (the safety check covers the kernel's side).
            return;
        }
        told = true;
        carrying = Set.copyOf(both);
        refreshSoon();
    }

    /** The kernel's addresses, links or routes changed (not by us): the uplinks' default routes may have. */
    public void kernelChanged() {
        refreshSoon();
    }

    /** The table of each address with a source route, as of the last refresh (for status and tests). */
    public Map<InetAddress, Long> tables() {
        return tables;
    }

    private void refreshSoon() {
        if (refreshPending.compareAndSet(false, true)) {
            post(() -> {
                refreshPending.set(false);
                refresh();
            });
        }
    }

    private void refresh() {
        Set<InetAddress> now = carrying;
        SourceRoutePlan plan;
        try {
            KernelView kernel = KernelView.of(client.links(), client.addresses(), client.routes(), client.rules(),
                    scope);
            if (now.isEmpty() && kernel.ownRules().isEmpty() && kernel.ownRoutes().isEmpty()) {
                tables = Map.of();
                return;
            }
            plan = SourceRoutePlanner.plan(now, kernel, remembered, settings);
        } catch (NetlinkException e) {
            LOG.warn("source routes: cannot read the kernel's routes: {}", e.getMessage());
            retrySoon();
            return;
        }
        boolean complete = apply(plan);
        report(plan, now);
        remembered = plan.remembered();
        tables = plan.tables();
        if (!complete) {
            retrySoon();
        }
    }

    /** Routes before the rules that use them, rules before the routes they used; returns false if a step failed. */
    private boolean apply(SourceRoutePlan plan) {
        boolean complete = true;
        for (RouteRequest route : plan.replaceRoutes()) {
            try {
                client.replaceRoute(route);
            } catch (NetlinkException e) {
                // The uplink went meanwhile (its routes with it): the next event or retry plans afresh.
                LOG.debug("source route {} not added: {}", route, e.getMessage());
                complete = false;
            }
        }
        try {
            client.addRules(plan.addRules());
            client.deleteRules(plan.deleteRules());
        } catch (NetlinkException e) {
            LOG.warn("source routes: rules not changed: {}", e.getMessage());
            complete = false;
        }
        for (RouteRequest route : plan.deleteRoutes()) {
            try {
                client.deleteRoute(route);
            } catch (NetlinkErrorException e) {
                if (e.errno() != Errno.ENOENT && e.errno() != Errno.ESRCH) {
                    LOG.debug("source route {} not deleted: {}", route, e.getMessage());
                    complete = false;
                }
            } catch (NetlinkException e) {
                LOG.debug("source route {} not deleted: {}", route, e.getMessage());
                complete = false;
            }
        }
        return complete;
    }

    private void report(SourceRoutePlan plan, Set<InetAddress> carrying) {
        Map<InetAddress, Long> before = tables;
        plan.tables().forEach((address, table) -> {
            if (!before.containsKey(address)) {
                UplinkDefault uplink = plan.remembered().get(address);
                LOG.info("source route for {}: table {}{}", AddressText.of(address), table, uplink == null ? ""
                        : ", default " + uplink.gateway().map(g -> "via " + AddressText.of(g) + " ").orElse("")
                                + "dev #" + uplink.interfaceIndex());
            }
        });
        before.keySet().stream().filter(address -> !plan.tables().containsKey(address))
                .forEach(address -> LOG.info("source route for {} removed ({})", AddressText.of(address),
                        carrying.contains(address) ? "no default route known for its uplink" : "no session left"));
        for (InetAddress address : plan.withoutTable()) {
            if (reportedWithoutTable.add(address)) {
                LOG.warn("no source route for {}: all {} tables of source-route-tables are in use",
                        AddressText.of(address), settings.tables());
            }
        }
        reportedWithoutTable.retainAll(plan.withoutTable());
    }

    private void retrySoon() {
        if (retryScheduled) {
            return;
        }
        retryScheduled = true;
        schedule(RETRY, () -> {
            retryScheduled = false;
            refresh();
        });
    }

    private void scheduleSafetyCheck() {
        schedule(SAFETY_CHECK, () -> {
            refresh();
            scheduleSafetyCheck();
        });
    }

    private void post(Runnable task) {
        try {
            loop.execute(guarded(task));
        } catch (RejectedExecutionException e) {
            LOG.debug("source routes closed, task ignored");
        }
    }

    private void schedule(Duration delay, Runnable task) {
        try {
            loop.schedule(guarded(task), delay.toMillis(), TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            LOG.debug("source routes closed, timer ignored");
        }
    }

    private static Runnable guarded(Runnable task) {
        return () -> {
            try {
                task.run();
            } catch (RuntimeException e) {
                LOG.error("source routes: unexpected {}", e.toString(), e);
            }
        };
    }

    /** Stops the thread; the kernel keeps the rules and routes (the sessions keep leaving where they should). */
    @Override
    public void close() {
        loop.shutdownNow();
        try {
            loop.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        client.close();
    }
}
