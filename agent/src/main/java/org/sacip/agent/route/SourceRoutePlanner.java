package org.sacip.agent.route;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.sacip.agent.move.AddressPrefix;
import org.sacip.agent.session.SessionGrouping;
import org.sacip.netlink.route.IpPrefix;
import org.sacip.netlink.route.RouteInfo;
import org.sacip.netlink.route.RouteRequest;
import org.sacip.netlink.route.RoutingRule;

/**
 * Plans the source routes (docs/DATAPATH.md): every local address X that carries sessions (their sockets', or the one
 * moved sessions send from) and sits on an uplink with a default route gets a table of its own holding that default
 * route and X's on-link prefix route, and a rule {@code from X lookup TABLE}; each family with such a rule gets one
 * rule {@code lookup main suppress_prefixlength 0} just before, so the main table's more specific routes still win. The
 * table keeps the default route last seen for X's uplink when the main table's goes (a route switched to another uplink
 * must not take X's packets along), and a rule stays as long as X carries sessions, also once X left its interface (its
 * routes are then left as the kernel keeps them). Everything else tagged with the agent's protocol goes. Pure: the same
 * inputs give the same plan.
 */
public final class SourceRoutePlanner {
    private static final int AF_INET = 2;
    private SourceRoutePlanner() {
    }

    /**
     * @param carrying   the local addresses that carry sessions now
     * @param kernel     the kernel's state
     * @param remembered the default route last seen for each address's uplink (from the previous plan)
     */
    public static SourceRoutePlan plan(Set<InetAddress> carrying, KernelView kernel,
            Map<InetAddress, UplinkDefault> remembered, SourceRouteSettings settings) {
        Map<InetAddress, Long> installedTables = new LinkedHashMap<>();
        for (RoutingRule rule : kernel.ownRules()) {
            sourceAddress(rule, settings).ifPresent(address -> installedTables.putIfAbsent(address, rule.table()));
        }
        Set<Long> taken = new HashSet<>(installedTables.values());
        Map<InetAddress, Long> tables = new LinkedHashMap<>();
        Map<InetAddress, UplinkDefault> remember = new LinkedHashMap<>();
        List<RoutingRule> wantedRules = new ArrayList<>();
        List<RouteRequest> wantedRoutes = new ArrayList<>();
        Set<Long> keptAsTheyAre = new HashSet<>();
        List<InetAddress> withoutTable = new ArrayList<>();
        Set<Boolean> families = new LinkedHashSet<>();
        List<InetAddress> ordered = new ArrayList<>(carrying);
        ordered.sort(SessionGrouping.ADDRESS_ORDER);
        for (InetAddress address : ordered) {
            Long installed = installedTables.get(address);
            Placement placement = kernel.placements().get(address);
            if (placement == null) {
                // X left its interface: its rule stays while it carries sessions, its routes as the kernel keeps them,
                // and its uplink's default is remembered: X may come back before that default does.
                Optional.ofNullable(remembered.get(address)).ifPresent(old -> remember.put(address, old));
                if (installed != null) {
                    tables.put(address, installed);
                    keptAsTheyAre.add(installed);
                    wantedRules.add(sourceRule(address, installed, settings));
                    families.add(isIpv4(address));
                }
                continue;
            }
            Optional<UplinkDefault> uplink = kernel.defaultFor(placement)
                    .or(() -> Optional.ofNullable(remembered.get(address))
                            .filter(old -> old.interfaceIndex() == placement.interfaceIndex()));
            if (uplink.isEmpty()) {
                // No default route known for X's uplink: nothing to keep X's packets on (the main table decides).
                continue;
            }
            Long table = installed != null ? installed : free(settings, taken);
            if (table == null) {
                withoutTable.add(address);
                continue;
            }
            taken.add(table);
            tables.put(address, table);
            remember.put(address, uplink.get());
            wantedRoutes.addAll(routesFor(placement, uplink.get(), table));
            wantedRules.add(sourceRule(address, table, settings));
            families.add(isIpv4(address));
        }
        for (boolean ipv4 : families) {
            wantedRules.add(suppressRule(ipv4, settings));
        }

        // Indexed once: a host with hundreds of addresses carrying sessions must not compare every wanted route and
        // rule with every present one (quadratic, at each refresh).
        Map<RouteKey, RouteInfo> present = new HashMap<>();
        for (RouteInfo route : kernel.ownRoutes()) {
            present.putIfAbsent(RouteKey.of(route), route);
        }
        List<RouteRequest> replace = new ArrayList<>();
        List<RouteRequest> deleteRoutes = new ArrayList<>();
        Set<RouteKey> wantedKeys = new HashSet<>();
        for (RouteRequest wanted : wantedRoutes) {
            RouteKey key = RouteKey.of(wanted);
            wantedKeys.add(key);
            RouteInfo route = present.get(key);
            if (route == null || !sameNextHop(route, wanted)) {
                replace.add(wanted);
            }
        }
        for (RouteInfo route : kernel.ownRoutes()) {
            long table = Integer.toUnsignedLong(route.table());
            if (!keptAsTheyAre.contains(table) && !wantedKeys.contains(RouteKey.of(route))) {
                deleteRoutes.add(requestOf(route));
            }
        }
        // Prefix routes first: a default route's gateway is resolved in its own table when it can be.
        replace.sort(Comparator.comparing(request -> request.destination().length() == 0));
        Set<RoutingRule> presentRules = new HashSet<>(kernel.ownRules());
        Set<RoutingRule> wantedRuleSet = new HashSet<>(wantedRules);
        List<RoutingRule> addRules = wantedRules.stream().filter(rule -> !presentRules.contains(rule)).toList();
        List<RoutingRule> deleteRules = kernel.ownRules().stream().filter(rule -> !wantedRuleSet.contains(rule))
                .toList();
        return new SourceRoutePlan(replace, addRules, deleteRules, deleteRoutes, tables, remember, withoutTable);
    }

    /**
     * The rule {@code from X lookup TABLE} of one address. A moved session's packets are routed again once the
     * agent's route chain wrote their new source, so they match the rule of the address they send from.
     */
    static RoutingRule sourceRule(InetAddress address, long table, SourceRouteSettings settings) {
        IpPrefix host = IpPrefix.host(address);
        return RoutingRule.lookup(host.family(), settings.sourcePriority(), table, SourceRouteSettings.PROTOCOL)
                .withFrom(host);
    }

    /** The rule {@code lookup main suppress_prefixlength 0} of one family. */
    static RoutingRule suppressRule(boolean ipv4, SourceRouteSettings settings) {
        int family = IpPrefix.host(anyAddress(ipv4)).family();
        return RoutingRule.lookup(family, settings.suppressPriority(), RoutingRule.TABLE_MAIN,
                SourceRouteSettings.PROTOCOL).withSuppressPrefixLength(0);
    }

    /** The address a rule of ours steers, if it is a source rule at our priority looking up one of our tables. */
    private static Optional<InetAddress> sourceAddress(RoutingRule rule, SourceRouteSettings settings) {
        if (rule.priority() != settings.sourcePriority() || !settings.ownsTable(rule.table())
                || rule.from().isEmpty() || rule.from().get().length() != rule.from().get().address().getAddress()
                .length * 8) {
            return Optional.empty();
        }
        return Optional.of(rule.from().get().address());
    }

    private static List<RouteRequest> routesFor(Placement placement, UplinkDefault uplink, long table) {
        List<RouteRequest> routes = new ArrayList<>();
        InetAddress address = placement.address();
        int bits = address.getAddress().length * 8;
        if (placement.prefixLength() < bits) {
            routes.add(new RouteRequest(new IpPrefix(network(address, placement.prefixLength()),
                    placement.prefixLength()), Optional.empty(), placement.interfaceIndex(), table,
                    SourceRouteSettings.PROTOCOL, 0));
        }
        routes.add(new RouteRequest(new IpPrefix(anyAddress(isIpv4(address)), 0), uplink.gateway(),
                uplink.interfaceIndex(), table, SourceRouteSettings.PROTOCOL, 0));
        return routes;
    }

    private static boolean sameNextHop(RouteInfo present, RouteRequest wanted) {
        return present.gateway().equals(wanted.gateway()) && present.outputInterface() == wanted.outputInterface();
    }

    /** A route of ours as the request that deletes exactly it. */
    /** The request that deletes (or adds again) a route the kernel reported. */
    public static RouteRequest requestOf(RouteInfo route) {
        InetAddress destination = route.destination().orElse(anyAddress(route.family() == AF_INET));
        return new RouteRequest(new IpPrefix(destination, route.destinationLength()), route.gateway(),
                route.outputInterface(), Integer.toUnsignedLong(route.table()), route.protocol(), 0);
    }

    private static Long free(SourceRouteSettings settings, Set<Long> taken) {
        for (long table = settings.firstTable(); table <= settings.lastTable(); table++) {
            if (!taken.contains(table)) {
                return table;
            }
        }
        return null;
    }

    private static boolean isIpv4(InetAddress address) {
        return address.getAddress().length == 4;
    }

    private static InetAddress anyAddress(boolean ipv4) {
        try {
            return InetAddress.getByAddress(new byte[ipv4 ? 4 : 16]);
        } catch (UnknownHostException e) {
            throw new IllegalStateException("a 4 or 16 byte address is always valid", e);
        }
    }

    private static InetAddress network(InetAddress address, int length) {
        return new AddressPrefix(address, length).network();
    }

    /** A route's identity in its table: family, destination and length (the kernel's key, metrics aside). */
    private record RouteKey(long table, boolean ipv4, InetAddress destination, int length) {
        static RouteKey of(RouteRequest request) {
            return new RouteKey(request.table(), request.family() == AF_INET, network(request.destination().address(),
                    request.destination().length()), request.destination().length());
        }

        static RouteKey of(RouteInfo route) {
            boolean ipv4 = route.family() == AF_INET;
            return new RouteKey(Integer.toUnsignedLong(route.table()), ipv4, network(route.destination()
                    .orElse(anyAddress(ipv4)), route.destinationLength()), route.destinationLength());
        }
    }
}
