package org.sacip.agent.move;

import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import org.sacip.agent.session.Session;
import org.sacip.netlink.NetNamespace;
import org.sacip.netlink.NetlinkErrorException;
import org.sacip.netlink.NetlinkException;
import org.sacip.netlink.NetlinkOverrunException;
import org.sacip.netlink.route.LinkEvent;
import org.sacip.netlink.route.LinkInfo;
import org.sacip.netlink.route.RouteEvent;
import org.sacip.netlink.route.RouteInfo;
import org.sacip.netlink.route.RoutingRule;
import org.sacip.netlink.route.RtnetlinkClient;
import org.sacip.netlink.route.RtnetlinkEvent;
import org.sacip.netlink.route.RtnetlinkEvents;
import org.sacip.netlink.route.RtnetlinkGroup;
import org.sacip.netlink.route.RuleEvent;

/**
 * The kernel side of move detection: subscribes to address, link, route and rule events, keeps the {@link AddressTable}
 * current (re-dumping after an overrun), takes the sessions a lost address carried from the session index, asks
 * the kernel's routing for each peer's new source, and returns {@link MovePlan}s. Moves that found no usable
 * source yet (break-before-make, an IPv6 address still under DAD) are retried whenever an address becomes usable
 * or a route is added. After a batch of route events (other than the agent's own source routes) it asks once per
 * peer where a new connection would go, which starts a move while the old address still works. Routing rule
 * events, and the agent's own routes going, only wake the source routes ({@link Surroundings#kernelChanged}). Call
 * {@link #take} or {@link #poll} from one thread ({@link #wakeup()} from any).
 */
public final class MoveMonitor implements AutoCloseable {

    /** What the monitor needs of the agent besides the sessions of an address. */
    public interface Surroundings {
        /** The local addresses that carry sessions now (the originals a route change may move). */
        Set<InetAddress> originals();

        /** Whether a route is one of the agent's own (a source route): its changes are not the host's. */
        boolean ownRoute(RouteInfo route);

        /** Whether a routing rule is one of the agent's own (a source route's): adding it is not news. */
        default boolean ownRule(RoutingRule rule) {
            return false;
        }

        /**
         * Addresses, links, routes or routing rules of the host changed, or one of the agent's own routes or rules
         * went (called on the monitor's thread after the batch).
         */
        void kernelChanged();
    }

    /**
     * No route-triggered moves and nobody to tell: only address and link events move sessions (for tests of those;
     * a return home the peers' routes do not prefer yet then waits for a route change nobody watches).
     */
    public static final Surroundings NO_SURROUNDINGS = new Surroundings() {
        @Override
        public Set<InetAddress> originals() {
            return Set.of();
        }

        @Override
        public boolean ownRoute(RouteInfo route) {
            return false;
        }

        @Override
        public void kernelChanged() {
        }
    };
    private static final Set<RtnetlinkGroup> GROUPS = EnumSet.of(RtnetlinkGroup.LINK, RtnetlinkGroup.IPV4_ADDRESS,
            RtnetlinkGroup.IPV6_ADDRESS, RtnetlinkGroup.IPV4_ROUTE, RtnetlinkGroup.IPV6_ROUTE, RtnetlinkGroup.IPV4_RULE,
            RtnetlinkGroup.IPV6_RULE);

    private final RtnetlinkEvents events;
    private final RtnetlinkClient client;
    private final ManagedInterfaceSettings settings;
    private final AddressTable table;
    private final MoveEngine engine;
    private final Clock clock;
    private final Surroundings surroundings;
    private long overruns;

    private MoveMonitor(RtnetlinkEvents events, RtnetlinkClient client, ManagedScope scope, Clock clock,
            MoveEngine.SessionLookup sessions, Surroundings surroundings) {
        this.events = events;
        this.client = client;
        this.settings = new ManagedInterfaceSettings(scope);
        this.table = new AddressTable(scope);
        this.engine = new MoveEngine(table, sessions, this::route);
        this.clock = clock;
        this.surroundings = surroundings;
    }

    /**
     * Starts watching the caller's namespace, or {@code namespace} when given: subscribes first and dumps second,
     * so no change falls between, and sets promote_secondaries and arp_announce on the managed interfaces.
     *
     * @param sessions where the sessions of a lost address are found (the agent's: the session tracker's index)
     */
    public static MoveMonitor open(Optional<NetNamespace> namespace, ManagedScope scope, Clock clock,
            MoveEngine.SessionLookup sessions) throws NetlinkException {
        return open(namespace, scope, clock, sessions, NO_SURROUNDINGS);
    }

    /**
     * As {@link #open(Optional, ManagedScope, Clock, MoveEngine.SessionLookup)}, with route-triggered moves of the
     * addresses {@code surroundings} names and its callback after each batch of the host's changes.
     */
    public static MoveMonitor open(Optional<NetNamespace> namespace, ManagedScope scope, Clock clock,
            MoveEngine.SessionLookup sessions, Surroundings surroundings) throws NetlinkException {
        List<AutoCloseable> opened = new ArrayList<>();
        try {
            RtnetlinkEvents events = namespace.isPresent() ? RtnetlinkEvents.open(namespace.get(), GROUPS)
                    : RtnetlinkEvents.open(GROUPS);
            opened.add(events);
            RtnetlinkClient client = namespace.isPresent() ? RtnetlinkClient.open(namespace.get())
                    : RtnetlinkClient.open();
            opened.add(client);
            MoveMonitor monitor = new MoveMonitor(events, client, scope, clock, sessions, surroundings);
            monitor.redump();
            return monitor;
        } catch (NetlinkException | RuntimeException e) {
            for (AutoCloseable resource : opened) {
                closeQuietly(resource);
            }
            throw e;
        }
    }

    /** The table as this monitor sees it (for status output and tests). */
    public AddressTable table() {
        return table;
    }

    /** How often the kernel dropped events for a full buffer, each time answered by a re-dump. */
    public long overruns() {
        return overruns;
    }

    /** The last session of {@code original} ended: forget its move (see {@link MoveEngine#sessionsEnded}). */
    public void sessionsEnded(InetAddress original) {
        engine.sessionsEnded(original);
    }

    /**
     * After a restart, the sessions of {@code original} are known (from saved state) to use {@code activeAddress}
     * already; returns false when that address is not usable any more (the caller re-plans).
     */
    public boolean resumeMoved(InetAddress original, InetAddress activeAddress) {
        Optional<Integer> index = table.interfaceOf(activeAddress);
        engine.resume(original, activeAddress, index.orElse(0));
        return index.isPresent();
    }

    /** The address the sessions of {@code original} use now, if they moved. */
    public Optional<InetAddress> activeAddress(InetAddress original) {
        return engine.activeAddress(original);
    }

    /** Waits up to {@code timeout} for kernel events; returns the plans they led to (often none). */
    public List<MovePlan> poll(Duration timeout) throws NetlinkException {
        return handle(() -> events.poll(timeout));
    }

    /**
     * Waits without a time limit for kernel events; returns the plans they led to (often none). Returns empty at
     * once after {@link #wakeup()}.
     */
    public List<MovePlan> take() throws NetlinkException {
        return handle(events::take);
    }

    /** Ends the current or next wait of {@link #take} or {@link #poll}, from any thread. */
    public void wakeup() {
        events.wakeup();
    }

    private interface EventSource {
        List<RtnetlinkEvent> next() throws NetlinkException;
    }

    private List<MovePlan> handle(EventSource source) throws NetlinkException {
        List<RtnetlinkEvent> batch;
        try {
            batch = source.next();
        } catch (NetlinkOverrunException e) {
            // Events were lost: the difference between the old table and a fresh dump stands in for them.
            overruns++;
            Instant seenAt = clock.instant();
            events.resynchronizeLinks();
            List<MovePlan> plans = new ArrayList<>(engine.handle(redump(), seenAt, true));
            plans.addAll(engine.routesChanged(surroundings.originals(), seenAt));
            surroundings.kernelChanged();
            return plans;
        }
        Instant seenAt = clock.instant();
        List<MovePlan> plans = new ArrayList<>();
        boolean hostChanged = false;
        boolean routesChanged = false;
        // Only the source routes care about rules, and about our own routes and rules going (taken by someone
        // else, or with their uplink): they put back what they still need, at once rather than at their next check.
        boolean sourceRoutesChanged = false;
        for (RtnetlinkEvent event : batch) {
            if (event instanceof RuleEvent rule) {
                sourceRoutesChanged |= rule.kind() == RuleEvent.Kind.REMOVED || !surroundings.ownRule(rule.rule());
                continue;
            }
            if (event instanceof RouteEvent route && surroundings.ownRoute(route.route())) {
                sourceRoutesChanged |= route.kind() == RouteEvent.Kind.REMOVED;
                continue;
            }
            hostChanged = true;
            if (event instanceof LinkEvent link && (link.kind() == LinkEvent.Kind.ADDED
                    || link.kind() == LinkEvent.Kind.UP)) {
                settings.apply(client, link.link());
            }
            boolean routeAdded = event instanceof RouteEvent route && route.kind() == RouteEvent.Kind.ADDED;
            routesChanged |= event instanceof RouteEvent;
            plans.addAll(engine.handle(table.apply(event), seenAt, routeAdded));
        }
        if (routesChanged) {
            // Once per batch, however many routes it changed: one lookup per peer.
            plans.addAll(engine.routesChanged(surroundings.originals(), seenAt));
        }
        if (hostChanged || sourceRoutesChanged) {
            surroundings.kernelChanged();
        }
        return plans;
    }

    private List<AddressChange> redump() throws NetlinkException {
        List<LinkInfo> links = client.links();
        List<AddressChange> changes = table.reset(links, client.addresses());
        for (LinkInfo link : table.managedLinks()) {
            settings.apply(client, link);
        }
        return changes;
    }

    private Optional<RouteInfo> route(InetAddress peer) throws NetlinkException {
        try {
            return Optional.of(client.lookupRoute(peer, Optional.empty(), OptionalInt.empty()));
        } catch (NetlinkErrorException e) {
            // ENETUNREACH and the like: no route yet, which a later address or route event may change.
            return Optional.empty();
        }
    }

    private static void closeQuietly(AutoCloseable resource) {
        try {
            resource.close();
        } catch (Exception e) {
            // Already failing; the first error is the one to report.
        }
    }

    @Override
    public void close() {
        client.close();
        events.close();
    }
}
