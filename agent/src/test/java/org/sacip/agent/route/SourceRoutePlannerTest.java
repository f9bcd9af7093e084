package org.sacip.agent.route;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.sacip.agent.move.ManagedScope;
import org.sacip.netlink.route.AddressFlag;
import org.sacip.netlink.route.InterfaceAddress;
import org.sacip.netlink.route.IpPrefix;
import org.sacip.netlink.route.LinkInfo;
import org.sacip.netlink.route.RouteInfo;
import org.sacip.netlink.route.RouteRequest;
import org.sacip.netlink.route.RoutingRule;

/**
 * The source routes planned from typed kernel state: which addresses get a table, what it holds, what is kept when
 * the main table's default moves to another uplink, and that only the agent's own rules and routes ever go.
 */
class SourceRoutePlannerTest {
    private static final SourceRouteSettings SETTINGS = new SourceRouteSettings(5000, 5002, 1000);
    private static final int OURS = SourceRouteSettings.PROTOCOL;
    private static final int UP1 = 2;
    private static final int UP2 = 3;
    private static final LinkInfo LO = new LinkInfo(1, "lo", new byte[6], 772, true, true, 65536, "");
    private static final InetAddress X = ip("198.18.1.2");
    private static final InetAddress Y = ip("198.18.2.2");
    private static final InetAddress X6 = ip("2001:db8:1::2");
    private static final InetAddress GW1 = ip("198.18.1.1");
    private static final InetAddress GW2 = ip("198.18.2.1");
    private static final InetAddress GW6 = ip("2001:db8:1::1");

    private final List<LinkInfo> links = new ArrayList<>(List.of(LO, link(UP1, "up1", true), link(UP2, "up2",
            true)));
    private final List<InterfaceAddress> addresses = new ArrayList<>(List.of(address(UP1, X, 24),
            address(UP1, X6, 64), address(UP2, Y, 24)));
    private final List<RouteInfo> routes = new ArrayList<>(List.of(mainDefault(GW1, UP1), mainDefault(GW6, UP1)));
    private final List<RoutingRule> rules = new ArrayList<>();

    private static InetAddress ip(String text) {
        try {
            return InetAddress.getByName(text);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(text, e);
        }
    }

    private static LinkInfo link(int index, String name, boolean up) {
        return new LinkInfo(index, name, new byte[] {2, 0, 0, 0, 0, (byte) index}, 1, up, up, 1500, "veth");
    }

    private static InterfaceAddress address(int index, InetAddress address, int length) {
        return new InterfaceAddress(index, address, length, InterfaceAddress.SCOPE_GLOBAL, Set.<AddressFlag>of(), "",
                InterfaceAddress.FOREVER, InterfaceAddress.FOREVER);
    }

    private static RouteInfo mainDefault(InetAddress gateway, int index) {
        int family = gateway.getAddress().length == 4 ? 2 : 10;
        return new RouteInfo(family, Optional.empty(), 0, index, Optional.of(gateway), Optional.empty(), 254,
                RouteInfo.TYPE_UNICAST, 0, 3);
    }

    /** A route as the kernel lists what a request added. */
    private static RouteInfo listed(RouteRequest request) {
        InetAddress destination = request.destination().address();
        return new RouteInfo(request.family(), request.destination().length() == 0 ? Optional.empty()
                : Optional.of(destination), request.destination().length(), request.outputInterface(),
                request.gateway(), Optional.empty(), (int) request.table(), RouteInfo.TYPE_UNICAST,
                request.gateway().isPresent() ? 0 : 253, request.protocol());
    }

    private SourceRoutePlan plan(Set<InetAddress> carrying, Map<InetAddress, UplinkDefault> remembered) {
        return SourceRoutePlanner.plan(carrying, KernelView.of(links, addresses, routes, rules,
                ManagedScope.everything()), remembered, SETTINGS);
    }

    /** What the kernel holds after the plan was carried out. */
    private void carryOut(SourceRoutePlan plan) {
        for (RouteRequest request : plan.replaceRoutes()) {
            routes.removeIf(route -> route.protocol() == OURS && route.table() == request.table()
                    && route.destinationLength() == request.destination().length()
                    && route.family() == request.family());
            routes.add(listed(request));
        }
        rules.addAll(plan.addRules());
        rules.removeAll(plan.deleteRules());
        for (RouteRequest request : plan.deleteRoutes()) {
            routes.removeIf(route -> route.equals(listed(request)));
        }
    }

    private static RouteRequest route(String destination, int length, InetAddress gateway, int index, long table) {
        return new RouteRequest(new IpPrefix(ip(destination), length), Optional.ofNullable(gateway), index, table,
                OURS, 0);
    }

    @Test
    void anAddressWithSessionsOnAnUplinkWithADefaultRouteGetsItsTableAndRules() {
        SourceRoutePlan plan = plan(Set.of(X, X6, Y), Map.of());
        assertEquals(List.of(route("198.18.1.0", 24, null, UP1, 5000), route("2001:db8:1::", 64, null, UP1, 5001),
                route("0.0.0.0", 0, GW1, UP1, 5000), route("::", 0, GW6, UP1, 5001)), plan.replaceRoutes(),
                "prefix routes first, so the default's gateway resolves in its own table");
        assertEquals(List.of(SourceRoutePlanner.sourceRule(X, 5000, SETTINGS),
                SourceRoutePlanner.sourceRule(X6, 5001, SETTINGS),
                SourceRoutePlanner.suppressRule(true, SETTINGS), SourceRoutePlanner.suppressRule(false, SETTINGS)),
                plan.addRules());
        assertEquals(Map.of(X, 5000L, X6, 5001L), plan.tables(), "Y's uplink has no default route: nothing to keep");
        RoutingRule rule = plan.addRules().get(0);
        assertEquals(1001, rule.priority());
        assertEquals(0, rule.fwmask(), "a rule on the source alone: moved sessions are routed from their new one");
        assertEquals(1000, plan.addRules().get(2).priority());
        carryOut(plan);
        assertTrue(plan(Set.of(X, X6, Y), plan.remembered()).changesNothing(), "a second plan changes nothing");
    }

    @Test
    void whenTheMainDefaultMovesToAnotherUplinkTheTableKeepsTheOldOne() {
        SourceRoutePlan first = plan(Set.of(X), Map.of());
        carryOut(first);
        routes.removeIf(route -> route.table() == 254 && route.family() == 2);
        routes.add(mainDefault(GW2, UP2));
        SourceRoutePlan after = plan(Set.of(X), first.remembered());
        assertTrue(after.changesNothing(), "X's packets stay on uplink 1: " + after);
        // A default route of uplink 1 with another gateway in main replaces the kept one.
        routes.add(mainDefault(ip("198.18.1.254"), UP1));
        SourceRoutePlan regateway = plan(Set.of(X), after.remembered());
        assertEquals(List.of(route("0.0.0.0", 0, ip("198.18.1.254"), UP1, 5000)), regateway.replaceRoutes());
    }

    @Test
    void anAddressThatLeftKeepsItsRuleWhileItCarriesSessionsAndLosesItWithTheLast() {
        SourceRoutePlan first = plan(Set.of(X), Map.of());
        carryOut(first);
        addresses.removeIf(address -> address.address().equals(X));
        SourceRoutePlan left = plan(Set.of(X), first.remembered());
        assertTrue(left.changesNothing(), "the ghost's sessions still leave by uplink 1: " + left);
        SourceRoutePlan over = plan(Set.of(), left.remembered());
        assertEquals(List.of(SourceRoutePlanner.sourceRule(X, 5000, SETTINGS),
                SourceRoutePlanner.suppressRule(true, SETTINGS)), over.deleteRules());
        assertEquals(2, over.deleteRoutes().size(), over.toString());
        carryOut(over);
        assertTrue(rules.isEmpty() && routes.stream().noneMatch(route -> route.protocol() == OURS));
    }

    @Test
    void anAddressThatComesBackToItsUplinkBeforeTheUplinksDefaultRouteKeepsItsTable() {
        SourceRoutePlan first = plan(Set.of(X), Map.of());
        carryOut(first);
        // The link goes down: X leaves it, the kernel drops every route through it, ours included.
        links.set(1, link(UP1, "up1", false));
        addresses.removeIf(address -> address.address().equals(X));
        routes.removeIf(route -> route.outputInterface() == UP1);
        SourceRoutePlan away = plan(Set.of(X), first.remembered());
        carryOut(away);
        // Back: link up and X on it again, and the uplink's default route not yet added (it comes after the address).
        links.set(1, link(UP1, "up1", true));
        addresses.add(address(UP1, X, 24));
        SourceRoutePlan back = plan(Set.of(X), away.remembered());
        assertEquals(Map.of(X, 5000L), back.tables(), back.toString());
        assertEquals(List.of(), back.deleteRules(), "X's rule stays");
        assertEquals(List.of(route("198.18.1.0", 24, null, UP1, 5000), route("0.0.0.0", 0, GW1, UP1, 5000)),
                back.replaceRoutes(), "its routes come back with the default remembered from before it left");
    }

    @Test
    void onlyTheAgentsOwnRulesAndRoutesEverGo() {
        RoutingRule theirs = RoutingRule.lookup(2, 1001, 5000, 0).withFrom(IpPrefix.host(Y));
        rules.add(theirs);
        RouteInfo theirRoute = listed(new RouteRequest(new IpPrefix(ip("198.19.0.0"), 16), Optional.of(GW2), UP2,
                5000, 4, 0));
        routes.add(theirRoute);
        carryOut(plan(Set.of(X), Map.of()));
        SourceRoutePlan over = plan(Set.of(), Map.of());
        assertTrue(over.deleteRules().stream().allMatch(rule -> rule.protocol() == OURS), over.toString());
        assertTrue(over.deleteRoutes().stream().allMatch(route -> route.protocol() == OURS), over.toString());
        carryOut(over);
        assertTrue(rules.contains(theirs) && routes.contains(theirRoute));
    }

    @Test
    void addressesBeyondTheTableRangeAreNamedAndGetNoRule() {
        addresses.add(address(UP1, ip("198.18.1.3"), 24));
        addresses.add(address(UP1, ip("198.18.1.4"), 24));
        addresses.add(address(UP1, ip("198.18.1.5"), 24));
        SourceRoutePlan plan = plan(Set.of(X, ip("198.18.1.3"), ip("198.18.1.4"), ip("198.18.1.5")), Map.of());
        assertEquals(3, plan.tables().size());
        assertEquals(List.of(ip("198.18.1.5")), plan.withoutTable());
    }

    @Test
    void anUplinkThatIsDownOrUnmanagedPlacesNothing() {
        links.set(1, link(UP1, "up1", false));
        assertTrue(plan(Set.of(X), Map.of()).tables().isEmpty(), "routes cannot go through a link that is down");
        links.set(1, link(UP1, "up1", true));
        SourceRoutePlan unmanaged = SourceRoutePlanner.plan(Set.of(X), KernelView.of(links, addresses, routes, rules,
                new ManagedScope(Set.of("up2"), List.of())), Map.of(), SETTINGS);
        assertTrue(unmanaged.tables().isEmpty(), unmanaged.toString());
    }
}
