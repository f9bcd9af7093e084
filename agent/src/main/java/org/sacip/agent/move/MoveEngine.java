package org.sacip.agent.move;

import java.net.InetAddress;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.sacip.agent.session.PeerSessions;
import org.sacip.agent.session.Session;
import org.sacip.agent.session.SessionGrouping;
import org.sacip.netlink.NetlinkException;
import org.sacip.netlink.route.RouteInfo;

/**
 * The decisions of move detection, free of I/O: usable-address changes and route changes in, plans out. It asks
 * two questions of the outside world, which the {@link MoveMonitor} answers from the kernel: which sessions were
 * made with an address, and what route the kernel takes to a peer. Moves without a usable source yet wait and are
 * retried when an address becomes usable or a route appears. Not thread-safe.
 */
public final class MoveEngine {

    /** The live sessions whose original local address is the given one. */
    @FunctionalInterface
    public interface SessionLookup {
        List<Session> sessionsFrom(InetAddress original) throws NetlinkException;

        /**
         * How many distinct live sessions of {@code original} each peer holds: all a route change needs to choose a
         * source. A lookup that can count without building the sessions should: every route event asks, and at
         * 100,000 sessions grouping them all took hundreds of milliseconds per event, on the way to the move.
         */
        default Map<InetAddress, Integer> sessionsPerPeer(InetAddress original) throws NetlinkException {
            Map<InetAddress, Integer> counts = new HashMap<>();
            for (PeerSessions group : sessionsByPeer(original)) {
                counts.put(group.peer(), group.sessions().size());
            }
            return counts;
        }

        /**
         * The live sessions of {@code original} as {@link SessionGrouping#byPeer} groups them: a lookup that keeps
         * them by peer should answer without regrouping.
         */
        default List<PeerSessions> sessionsByPeer(InetAddress original) throws NetlinkException {
            return SessionGrouping.byPeer(sessionsFrom(original));
        }
    }

    /** The kernel's route to a peer ({@code ip route get PEER}), empty if it has none. */
    @FunctionalInterface
    public interface RouteLookup {
        Optional<RouteInfo> routeTo(InetAddress peer) throws NetlinkException;
    }

    /** Route lookups one route change may cost: the peers with most sessions of each address are asked first. */
    static final int ROUTE_LOOKUPS_PER_CHANGE = 256;
    static final int ROUTE_LOOKUPS_PER_ADDRESS = 32;

    private final AddressTable table;
    private final SessionLookup sessions;
    private final RouteLookup routes;
    private final MoveDetector detector = new MoveDetector();
    /** Per original address with sessions, the source and link its peers' routes preferred at the last change. */
    private final Map<InetAddress, MovePlanner.Target> lastPreferred = new HashMap<>();

    public MoveEngine(AddressTable table, SessionLookup sessions, RouteLookup routes) {
        this.table = table;
        this.sessions = sessions;
        this.routes = routes;
    }

    /**
     * Handles the changes one batch of events caused (in order), then retries the waiting moves if an address
     * became usable or {@code retryWaiting} says something else (a new route, a re-dump) may have given a source.
     */
    public List<MovePlan> handle(List<AddressChange> changes, Instant seenAt, boolean retryWaiting)
            throws NetlinkException {
        List<MovePlan> plans = new ArrayList<>();
        boolean retry = retryWaiting;
        for (AddressChange change : changes) {
            if (change instanceof AddressChange.Lost lost) {
                plans.addAll(resolve(detector.addressLost(lost, seenAt), false));
            } else if (change instanceof AddressChange.Usable usable) {
                Optional<MoveTrigger> home = detector.addressUsable(usable, seenAt);
                if (home.isPresent()) {
                    plans.addAll(homeUnlessRoutedElsewhere(home.get()));
                }
                retry = true;
            }
        }
        if (retry) {
            for (MoveTrigger waiting : detector.pending()) {
                plans.addAll(resolve(waiting, true));
            }
        }
        return plans;
    }

    /**
     * The kernel's routes changed: for each address that carries sessions and is still usable, asks which source
     * the kernel would now choose for a new connection to its peers (one lookup per peer for the whole change, the
     * peers with most sessions first, at most {@link #ROUTE_LOOKUPS_PER_ADDRESS} per address and
     * {@link #ROUTE_LOOKUPS_PER_CHANGE} in all). When the source most of those sessions' routes prefer is another
     * usable address, the sessions move there while their own address still works ({@link MoveKind#ROUTE_CHANGE});
     * when it is their original address again, they return home. Addresses already lost are left to the loss.
     * Another address of the sessions' own link moves them only if the routes preferred theirs before the change:
     * an address the routes never preferred (a secondary or service address) keeps its sessions where they are.
     */
    public List<MovePlan> routesChanged(Set<InetAddress> originals, Instant seenAt) throws NetlinkException {
        Map<InetAddress, Optional<RouteInfo>> looked = new HashMap<>();
        List<MovePlan> plans = new ArrayList<>();
        List<InetAddress> ordered = new ArrayList<>(originals);
        ordered.sort(SessionGrouping.ADDRESS_ORDER);
        for (InetAddress original : ordered) {
            if (!table.isUsable(original) || detector.isPending(original)) {
                continue;
            }
            Map<InetAddress, Integer> perPeer = sessions.sessionsPerPeer(original);
            InetAddress current = detector.activeAddress(original).orElse(original);
            Optional<MovePlanner.Target> chosen = preferred(original, perPeer, looked);
            MovePlanner.Target before = chosen.isPresent() ? lastPreferred.put(original, chosen.get())
                    : lastPreferred.remove(original);
            if (perPeer.isEmpty() || chosen.isEmpty() || chosen.get().source().equals(current)) {
                continue;
            }
            MovePlanner.Target target = chosen.get();
            if (target.source().equals(original)) {
                plans.addAll(returnHome(MoveTrigger.home(original, current, target.interfaceIndex(), seenAt)));
                continue;
            }
            boolean otherLink = !table.interfaceOf(current).map(index -> index == target.interfaceIndex())
                    .orElse(false);
            if (!otherLink && (before == null || before.equals(target))) {
                // A new connection would take another address of the same link, and did before this change too:
                // a secondary or service address the routes never preferred, whose packets leave where they
                // always did. Only a change of the preferred source, or another link, moves its sessions.
                continue;
            }
            plans.add(followRoute(original, current, target, seenAt));
        }
        lastPreferred.keySet().retainAll(originals);
        return plans;
    }

    /**
     * The original address of moved sessions is usable again: they go home, unless the kernel's routes to their
     * peers prefer another source (the address came back before the route did, or without it): then they stay, or
     * follow the route, and go home once the route prefers their address again.
     */
    private List<MovePlan> homeUnlessRoutedElsewhere(MoveTrigger home) throws NetlinkException {
        InetAddress original = home.original();
        Map<InetAddress, Integer> perPeer = sessions.sessionsPerPeer(original);
        Optional<MovePlanner.Target> chosen = preferred(original, perPeer, new HashMap<>());
        if (perPeer.isEmpty() || chosen.isEmpty() || chosen.get().source().equals(original)) {
            return returnHome(home);
        }
        if (chosen.get().source().equals(home.lost())) {
            return List.of();
        }
        return List.of(followRoute(original, home.lost(), chosen.get(), home.seenAt()));
    }

    /** Only a route change that moves sessions builds their groups: the others need only the counts. */
    private MovePlan followRoute(InetAddress original, InetAddress current, MovePlanner.Target target,
            Instant seenAt) throws NetlinkException {
        List<PeerSessions> groups = sessions.sessionsByPeer(original);
        MovePlan plan = new MovePlan(MoveKind.ROUTE_CHANGE, original, current, target.source(),
                target.interfaceIndex(), MovePlanner.interfaceName(table, target.interfaceIndex()), groups, seenAt,
                true);
        detector.planned(plan);
        return plan;
    }

    /**
     * The source the kernel's routes to the peers prefer, weighted by their sessions (the peers with most sessions
     * asked first, within the bounds; {@code looked} holds this change's answers), or empty if no route offers one.
     */
    private Optional<MovePlanner.Target> preferred(InetAddress original, Map<InetAddress, Integer> perPeer,
            Map<InetAddress, Optional<RouteInfo>> looked) throws NetlinkException {
        Map<MovePlanner.Target, Integer> votes = new LinkedHashMap<>();
        List<Map.Entry<InetAddress, Integer>> largestFirst = new ArrayList<>(perPeer.entrySet());
        // Most sessions first; among equals, in address order, so the same sessions always ask the same peers.
        largestFirst.sort(Map.Entry.<InetAddress, Integer>comparingByValue().reversed()
                .thenComparing(Map.Entry.comparingByKey(SessionGrouping.ADDRESS_ORDER)));
        int asked = 0;
        for (Map.Entry<InetAddress, Integer> peer : largestFirst) {
            if (asked == ROUTE_LOOKUPS_PER_ADDRESS
                    || (!looked.containsKey(peer.getKey()) && looked.size() >= ROUTE_LOOKUPS_PER_CHANGE)) {
                break;
            }
            asked++;
            Optional<RouteInfo> route = looked.get(peer.getKey());
            if (route == null) {
                route = routes.routeTo(peer.getKey());
                looked.put(peer.getKey(), route);
            }
            route.flatMap(found -> MovePlanner.target(original, peer.getKey(), found, table))
                    .ifPresent(target -> votes.merge(target, peer.getValue(), Integer::sum));
        }
        return votes.entrySet().stream().max(Map.Entry.comparingByValue()).map(Map.Entry::getKey);
    }

    /** The address the sessions of {@code original} use now, if they moved. */
    public Optional<InetAddress> activeAddress(InetAddress original) {
        return detector.activeAddress(original);
    }

    /**
     * The last session of {@code original} ended (the session watcher says so): its move, and any wait for a
     * source, are over, so a later loss or return of that address is judged afresh.
     */
    public void sessionsEnded(InetAddress original) {
        detector.forget(original);
    }

    /** See {@link MoveDetector#resume}. */
    public void resume(InetAddress original, InetAddress activeAddress, int interfaceIndex) {
        detector.resume(original, activeAddress, interfaceIndex);
    }

    /** Original addresses whose moves still wait for a usable source for some peer. */
    public List<InetAddress> waiting() {
        return detector.pending().stream().map(MoveTrigger::original).toList();
    }

    private List<MovePlan> returnHome(MoveTrigger trigger) throws NetlinkException {
        List<PeerSessions> groups = sessions.sessionsByPeer(trigger.original());
        if (groups.isEmpty()) {
            detector.forget(trigger.original());
            return List.of();
        }
        MovePlan plan = MovePlanner.planHome(trigger, groups, table);
        detector.planned(plan);
        return List.of(plan);
    }

    /** Plans the peers of a trigger that have a usable source now; the rest keep waiting. */
    private List<MovePlan> resolve(MoveTrigger trigger, boolean waited) throws NetlinkException {
        Set<InetAddress> done = detector.plannedPeers(trigger.original());
        List<PeerSessions> groups = sessions.sessionsByPeer(trigger.original()).stream()
                .filter(group -> !done.contains(group.peer())).toList();
        if (groups.isEmpty()) {
            if (done.isEmpty() && detector.activeAddress(trigger.original()).isEmpty()) {
                // The address carried no sessions: not a move at all.
                detector.forget(trigger.original());
            } else {
                detector.settled(trigger.original());
            }
            return List.of();
        }
        Map<InetAddress, Optional<RouteInfo>> found = new LinkedHashMap<>();
        for (PeerSessions group : groups) {
            found.put(group.peer(), routes.routeTo(group.peer()));
        }
        MovePlanner.Result result = MovePlanner.plan(trigger, groups, found, table, waited);
        result.plans().forEach(detector::planned);
        if (result.waiting().isEmpty()) {
            detector.settled(trigger.original());
        }
        return result.plans();
    }
}
