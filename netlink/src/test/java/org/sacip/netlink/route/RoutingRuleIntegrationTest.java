package org.sacip.netlink.route;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.sacip.netlink.NetlinkErrorException;
import org.sacip.netlink.testing.TestNamespace;

/**
 * Tagged policy routing rules and routes in a throwaway namespace with two uplinks: the main table's default goes
 * out of uplink 1, table 100 (ours) out of uplink 2, and our rules send traffic from uplink 2's address to table 100
 * after letting the main table's specific routes win. Checked through the kernel's own route lookup, against
 * {@code ip rule} / {@code ip route}, and next to untagged rules and routes made with {@code ip}.
 */
@Tag("integration")
class RoutingRuleIntegrationTest {
    private static final int OURS = 201;
    private static final int TABLE = 100;
    private static final int AF_INET = 2;
    private static final int AF_INET6 = 10;

    private static InetAddress ip(String literal) throws Exception {
        return InetAddress.getByName(literal);
    }

    /** The namespace with uplink 1 (198.18.1.1/24, 2001:db8:1::1/64) and uplink 2 (198.18.2.1/24, 2001:db8:2::1/64). */
    private static TestNamespace twoUplinks(String[] links) throws Exception {
        TestNamespace ns = TestNamespace.create("rr");
        try {
            links[0] = ns.addVethPair("u");
            links[1] = ns.addVethPair("v");
            ns.addAddresses(links[0], "198.18.1.1/24", "2001:db8:1::1/64");
            ns.addAddresses(links[1], "198.18.2.1/24", "2001:db8:2::1/64");
            ns.exec("ip", "route", "add", "default", "via", "198.18.1.254", "dev", links[0]);
            ns.exec("ip", "-6", "route", "add", "default", "via", "2001:db8:1::fe", "dev", links[0]);
        } catch (Exception e) {
            ns.close();
            throw e;
        }
        return ns;
    }

    private static List<RoutingRule> ourRules() throws Exception {
        return List.of(
                RoutingRule.lookup(AF_INET, 1000, RoutingRule.TABLE_MAIN, OURS).withSuppressPrefixLength(0),
                RoutingRule.lookup(AF_INET, 1001, TABLE, OURS).withFrom(IpPrefix.host(ip("198.18.2.1"))),
                RoutingRule.lookup(AF_INET6, 1000, RoutingRule.TABLE_MAIN, OURS).withSuppressPrefixLength(0),
                RoutingRule.lookup(AF_INET6, 1001, TABLE, OURS).withFrom(IpPrefix.host(ip("2001:db8:2::1"))));
    }

    @Test
    void taggedRulesAndRouteSteerTrafficFromOneAddressAndGoWithoutTouchingOthers() throws Exception {
        String[] links = new String[2];
        try (TestNamespace ns = twoUplinks(links); RtnetlinkClient client = RtnetlinkClient.open(ns.netNamespace())) {
            int uplink1 = client.link(links[0]).orElseThrow().index();
            int uplink2 = client.link(links[1]).orElseThrow().index();
            RouteRequest v4 = RouteRequest.defaultRoute(ip("198.18.2.254"), uplink2, TABLE, OURS);
            RouteRequest v6 = RouteRequest.defaultRoute(ip("2001:db8:2::fe"), uplink2, TABLE, OURS);
            client.addRoute(v4);
            client.addRoute(v6);
            for (RoutingRule rule : ourRules()) {
                client.addRule(rule);
            }
            // Someone else's rule with the same selectors at the same priority, and a route of theirs in our table.
            ns.exec("ip", "rule", "add", "pref", "1001", "from", "198.18.2.1", "lookup", "100");
            ns.exec("ip", "route", "add", "default", "via", "198.18.2.254", "dev", links[1], "table", "100",
                    "metric", "5");

            String rules = ns.exec("ip", "rule", "show") + ns.exec("ip", "-6", "rule", "show");
            assertTrue(rules.contains("1000:\tfrom all lookup main suppress_prefixlength 0 proto 201"), rules);
            assertTrue(rules.contains("1001:\tfrom 198.18.2.1 lookup 100 proto 201"), rules);
            assertTrue(rules.contains("1001:\tfrom 2001:db8:2::1 lookup 100 proto 201"), rules);
            String table = ns.exec("ip", "route", "show", "table", "100");
            assertTrue(table.contains("default via 198.18.2.254 dev " + links[1] + " proto 201"), table);

            // The kernel's lookups: from uplink 2's address to the world goes via table 100 ...
            RouteInfo steered = client.lookupRoute(ip("198.19.5.5"), Optional.of(ip("198.18.2.1")),
                    OptionalInt.empty());
            assertEquals(TABLE, steered.table());
            assertEquals(Optional.of(ip("198.18.2.254")), steered.gateway());
            assertEquals(uplink2, steered.outputInterface());
            RouteInfo steered6 = client.lookupRoute(ip("2001:db8:99::5"), Optional.of(ip("2001:db8:2::1")),
                    OptionalInt.empty());
            assertEquals(TABLE, steered6.table());
            assertEquals(Optional.of(ip("2001:db8:2::fe")), steered6.gateway());
            // ... without a source the main default ...
            RouteInfo plain = client.lookupRoute(ip("198.19.5.5"), Optional.empty(), OptionalInt.empty());
            assertEquals(RoutingRule.TABLE_MAIN, plain.table());
            assertEquals(Optional.of(ip("198.18.1.254")), plain.gateway());
            // ... and the main table's specific routes still win over table 100 (suppress_prefixlength 0).
            RouteInfo onLink = client.lookupRoute(ip("198.18.1.77"), Optional.of(ip("198.18.2.1")),
                    OptionalInt.empty());
            assertEquals(RoutingRule.TABLE_MAIN, onLink.table());
            assertEquals(uplink1, onLink.outputInterface());
            assertEquals(Optional.empty(), onLink.gateway());

            assertEquals(new HashSet<>(ourRules()), new HashSet<>(client.rulesOfProtocol(OURS)),
                    "filtered by protocol, the list is exactly ours, read back as added");
            List<RoutingRule> everyRule = client.rules();
            assertTrue(everyRule.stream().anyMatch(rule -> rule.protocol() == 0 && rule.priority() == 1001),
                    "the unfiltered list has the untagged rule too: " + everyRule);
            assertTrue(everyRule.stream().anyMatch(rule -> rule.priority() == 0
                    && rule.table() == RoutingRule.TABLE_LOCAL), "and the kernel's own");
            List<RouteInfo> tableRoutes = client.routes(TABLE);
            assertEquals(2, tableRoutes.stream().filter(route -> route.protocol() == OURS).count(), tableRoutes
                    .toString());
            List<RouteInfo> everyTable = client.routes();
            assertTrue(everyTable.containsAll(tableRoutes), "every table's dump holds table 100's routes");
            assertTrue(everyTable.stream().anyMatch(route -> route.table() == RoutingRule.TABLE_MAIN
                    && route.destinationLength() == 0 && route.outputInterface() == uplink1), "and main's default");

            NetlinkErrorException twice = assertThrows(NetlinkErrorException.class,
                    () -> client.addRule(ourRules().get(1)));
            assertEquals("EEXIST", twice.errnoName());

            for (RoutingRule rule : ourRules()) {
                client.deleteRule(rule);
            }
            client.deleteRoute(v4);
            client.deleteRoute(v6);
            assertTrue(client.rulesOfProtocol(OURS).isEmpty());
            String left = ns.exec("ip", "rule", "show");
            assertTrue(left.contains("1001:\tfrom 198.18.2.1 lookup 100"), "their rule survives: " + left);
            assertFalse(left.contains("proto 201"), left);
            String tableLeft = ns.exec("ip", "route", "show", "table", "100");
            assertTrue(tableLeft.contains("metric 5") && !tableLeft.contains("proto 201"),
                    "their route in table 100 survives, ours is gone: " + tableLeft);
            assertEquals("ENOENT", assertThrows(NetlinkErrorException.class,
                    () -> client.deleteRule(ourRules().get(1))).errnoName(), "deleting ours again finds none");
            assertTrue(ns.exec("ip", "rule", "show").contains("1001:\tfrom 198.18.2.1 lookup 100"),
                    "and still leaves theirs");
            assertEquals(TABLE, client.lookupRoute(ip("198.19.5.5"), Optional.of(ip("198.18.2.1")),
                    OptionalInt.empty()).table(), "their rule and route still steer");
        }
    }

    @Test
    void everySelectorRoundTripsAndBatchesAreIdempotent() throws Exception {
        try (TestNamespace ns = TestNamespace.create("rs"); RtnetlinkClient client = RtnetlinkClient.open(
                ns.netNamespace())) {
            RoutingRule full = RoutingRule.of(AF_INET, 2000, RuleAction.UNREACHABLE, OURS)
                    .withFrom(new IpPrefix(ip("198.18.0.0"), 16)).withTo(new IpPrefix(ip("198.19.4.0"), 24))
                    .withFwmark(0x10, 0xf0).withIpProtocol(6).withSourcePorts(new PortRange(1000, 2000))
                    .withDestinationPorts(PortRange.of(443));
            RoutingRule v6 = RoutingRule.of(AF_INET6, 2001, RuleAction.PROHIBIT, OURS)
                    .withTo(new IpPrefix(ip("2001:db8:77::"), 48)).withIpProtocol(17);
            RoutingRule big = RoutingRule.lookup(AF_INET, 3_000_000_000L, 3_000_000_000L, OURS)
                    .withFwmark(0x80000000L, 0x80000000L);
            client.addRules(List.of(full, v6, big));
            client.addRules(List.of(full, v6, big));
            assertEquals(Set.of(full, v6, big), new HashSet<>(client.rulesOfProtocol(OURS)));
            String shown = ns.exec("ip", "rule", "show");
            assertTrue(shown.contains("2000:\tfrom 198.18.0.0/16 to 198.19.4.0/24 fwmark 0x10/0xf0 ipproto tcp "
                    + "sport 1000-2000 dport 443 unreachable proto 201"), shown);
            assertTrue(shown.contains("3000000000:\tfrom all fwmark 0x80000000/0x80000000 lookup 3000000000 proto 201"),
                    shown);
            assertTrue(ns.exec("ip", "-6", "rule", "show").contains("2001:\tfrom all to 2001:db8:77::/48 ipproto udp "
                    + "prohibit proto 201"));
            client.deleteRules(List.of(full, v6, big));
            client.deleteRules(List.of(full, v6, big));
            assertTrue(client.rulesOfProtocol(OURS).isEmpty());
            assertThrows(IllegalArgumentException.class, () -> client.addRule(RoutingRule.of(AF_INET, 1,
                    RuleAction.GOTO, OURS)));
            assertThrows(IllegalArgumentException.class, () -> RoutingRule.lookup(AF_INET, 1, TABLE, OURS)
                    .withFrom(IpPrefix.host(ip("2001:db8::1"))));
        }
    }
}
