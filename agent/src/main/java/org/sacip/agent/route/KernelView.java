package org.sacip.agent.route;

import java.net.InetAddress;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.sacip.agent.move.ManagedScope;
import org.sacip.netlink.route.InterfaceAddress;
import org.sacip.netlink.route.LinkInfo;
import org.sacip.netlink.route.LinkLayer;
import org.sacip.netlink.route.RouteInfo;
import org.sacip.netlink.route.RoutingRule;

/**
 * What the source routes are planned from, as the kernel last showed it: where each managed local address sits (on
 * a managed interface that is up), each interface's default route in the main table, and the agent's own rules and
 * routes (those tagged {@link SourceRouteSettings#PROTOCOL}). Pure: built from dumps.
 */
public record KernelView(Map<InetAddress, Placement> placements, Map<UplinkDefault.Key, UplinkDefault> mainDefaults,
        List<RoutingRule> ownRules, List<RouteInfo> ownRoutes) {
    private static final int IPV4 = 2;

    public KernelView {
        placements = Map.copyOf(placements);
        mainDefaults = Map.copyOf(mainDefaults);
        ownRules = List.copyOf(ownRules);
        ownRoutes = List.copyOf(ownRoutes);
    }

    /**
     * @param routes every route of every table (ours are told by their tag; defaults are read from main only)
     * @param rules  every rule (ours are told by their tag)
     */
    public static KernelView of(List<LinkInfo> links, List<InterfaceAddress> addresses, List<RouteInfo> routes,
            List<RoutingRule> rules, ManagedScope scope) {
        Map<Integer, LinkInfo> usableLinks = links.stream()
                .filter(link -> link.up() && link.linkLayer() != LinkLayer.LOOPBACK
                        && scope.managesInterface(link.name()))
                .collect(Collectors.toMap(LinkInfo::index, link -> link, (a, b) -> a));
        Map<InetAddress, Placement> placements = new LinkedHashMap<>();
        for (InterfaceAddress address : addresses) {
            if (usableLinks.containsKey(address.interfaceIndex()) && address.scope() != InterfaceAddress.SCOPE_HOST
                    && scope.managesAddress(address.address())) {
                placements.putIfAbsent(address.address(), new Placement(address.address(),
                        address.interfaceIndex(), address.prefixLength()));
            }
        }
        Map<UplinkDefault.Key, UplinkDefault> defaults = new LinkedHashMap<>();
        for (RouteInfo route : routes) {
            if (Integer.toUnsignedLong(route.table()) == RoutingRule.TABLE_MAIN && route.destinationLength() == 0
                    && route.type() == RouteInfo.TYPE_UNICAST && route.outputInterface() > 0
                    && route.protocol() != SourceRouteSettings.PROTOCOL
                    && usableLinks.containsKey(route.outputInterface())) {
                UplinkDefault found = new UplinkDefault(route.family() == IPV4, route.outputInterface(),
                        route.gateway());
                defaults.putIfAbsent(found.key(), found);
            }
        }
        return new KernelView(placements, defaults,
                rules.stream().filter(rule -> rule.protocol() == SourceRouteSettings.PROTOCOL).toList(),
                routes.stream().filter(route -> route.protocol() == SourceRouteSettings.PROTOCOL).toList());
    }

    /** The main table's default route out of the interface an address sits on, if any. */
    Optional<UplinkDefault> defaultFor(Placement placement) {
        return Optional.ofNullable(mainDefaults.get(new UplinkDefault.Key(
                placement.address().getAddress().length == 4, placement.interfaceIndex())));
    }
}
