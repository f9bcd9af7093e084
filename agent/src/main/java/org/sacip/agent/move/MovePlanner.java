package org.sacip.agent.move;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.sacip.agent.session.PeerSessions;
import org.sacip.netlink.route.RouteInfo;

/**
 * Turns a trigger, the affected sessions grouped by peer and the kernel's route to each peer into plans. The new
 * source of a peer's sessions is the route's preferred source, but only if it is a usable local address of the
 * same family that is not link-local for a global peer; anything else (a ghost on lo, a tentative address, no
 * route yet) means that peer waits. Peers reached through the same source and interface share one plan. Pure.
 */
public final class MovePlanner {

    /** The plans that can be made now, and the peers that still wait for a source. */
    public record Result(List<MovePlan> plans, List<PeerSessions> waiting) {
        public Result {
            plans = List.copyOf(plans);
            waiting = List.copyOf(waiting);
        }
    }

    /** A new source for the sessions, and the interface the route to the peer leaves by. */
    record Target(InetAddress source, int interfaceIndex) {
    }

    private MovePlanner() {
    }

    /**
     * @param routes the kernel's route to each peer, empty where the lookup failed (no route)
     * @param waited whether this trigger already waited for a source (a retry), which makes it break-before-make
     */
    public static Result plan(MoveTrigger trigger, List<PeerSessions> groups, Map<InetAddress, Optional<RouteInfo>> routes,
            AddressTable table, boolean waited) {
        if (trigger.isReturnHome()) {
            throw new IllegalArgumentException("a return home is planned by planHome: " + trigger);
        }
        Map<Target, List<PeerSessions>> byTarget = new LinkedHashMap<>();
        List<PeerSessions> waiting = new ArrayList<>();
        for (PeerSessions group : groups) {
            Optional<RouteInfo> route = routes.getOrDefault(group.peer(), Optional.empty());
            Optional<Target> target = route.flatMap(found -> target(trigger.original(), group.peer(), found, table));
            if (target.isPresent()) {
                byTarget.computeIfAbsent(target.get(), key -> new ArrayList<>()).add(group);
            } else {
                waiting.add(group);
            }
        }
        Optional<LossCause> cause = trigger.cause();
        MoveKind kind = cause.equals(Optional.of(LossCause.LINK_DOWN))
                || cause.equals(Optional.of(LossCause.CARRIER_LOST)) ? MoveKind.LINK_DOWN
                : waited ? MoveKind.BREAK_BEFORE_MAKE : MoveKind.MAKE_BEFORE_BREAK;
        boolean inPlace = table.isUsable(trigger.original());
        List<MovePlan> plans = new ArrayList<>();
        byTarget.forEach((target, peers) -> plans.add(new MovePlan(kind, trigger.original(), trigger.lost(),
                target.source(), target.interfaceIndex(), interfaceName(table, target.interfaceIndex()), peers,
                trigger.seenAt(), inPlace)));
        return new Result(plans, waiting);
    }

    /** The plan for sessions whose original address is usable again: they go back to it. */
    public static MovePlan planHome(MoveTrigger trigger, List<PeerSessions> groups, AddressTable table) {
        if (!trigger.isReturnHome()) {
            throw new IllegalArgumentException("not a return home: " + trigger);
        }
        int index = table.interfaceOf(trigger.original()).orElse(trigger.interfaceIndex());
        return new MovePlan(MoveKind.RETURN_HOME, trigger.original(), trigger.lost(), trigger.original(), index,
                interfaceName(table, index), groups, trigger.seenAt(), true);
    }

    /** The new source for one peer of {@code original}'s sessions, if the route offers an acceptable one. */
    static Optional<Target> target(InetAddress original, InetAddress peer, RouteInfo route, AddressTable table) {
        Optional<InetAddress> source = route.preferredSource();
        if (source.isEmpty()) {
            return Optional.empty();
        }
        InetAddress candidate = source.get();
        boolean sameFamily = candidate.getAddress().length == original.getAddress().length
                && candidate.getAddress().length == peer.getAddress().length;
        boolean scopeFits = !candidate.isLinkLocalAddress() || peer.isLinkLocalAddress();
        if (!sameFamily || !scopeFits || !table.isUsable(candidate)) {
            return Optional.empty();
        }
        int index = route.outputInterface() > 0 ? route.outputInterface()
                : table.interfaceOf(candidate).orElse(0);
        return Optional.of(new Target(candidate, index));
    }

    static String interfaceName(AddressTable table, int index) {
        return table.interfaceName(index).orElse("if" + index);
    }
}
