package org.sacip.netlink.route;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.net.InetAddress;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.sacip.netlink.NetlinkMessage;
import org.sacip.netlink.NetlinkParseException;
import org.sacip.netlink.fixtures.KernelFixtures;
import org.sacip.netlink.fixtures.TruncationCheck;

/**
 * The rule and route parsers against dump messages of rules and a route made with {@code ip} (captured from Linux
 * 6.18 by CaptureRuleFixtures), and the rule request this module builds read back.
 */
class RuleFixturesTest {
    private static final int OURS = 201;

    private static RoutingRule rule(String fixture) throws Exception {
        return RuleMessages.parse(KernelFixtures.message(fixture)).orElseThrow();
    }

    @Test
    void taggedLookupFromOneAddress() throws Exception {
        assertEquals(RoutingRule.lookup(2, 1001, 100, OURS).withFrom(IpPrefix.host(InetAddress.getByName(
                "198.18.2.1"))), rule("newrule-lookup-from-tagged"));
    }

    @Test
    void ipv6MainWithSuppressedDefault() throws Exception {
        assertEquals(RoutingRule.lookup(10, 1000, RoutingRule.TABLE_MAIN, OURS).withSuppressPrefixLength(0),
                rule("newrule-ipv6-suppress-main"));
    }

    @Test
    void everySelectorOfAnUnreachableRule() throws Exception {
        assertEquals(RoutingRule.of(2, 2000, RuleAction.UNREACHABLE, OURS)
                .withFrom(new IpPrefix(InetAddress.getByName("198.18.0.0"), 16))
                .withTo(new IpPrefix(InetAddress.getByName("198.19.4.0"), 24))
                .withFwmark(0x10, 0xf0).withIpProtocol(6).withSourcePorts(new PortRange(1000, 2000))
                .withDestinationPorts(PortRange.of(443)), rule("newrule-selectors-unreachable"));
    }

    @Test
    void untaggedRuleWithATableBeyondOneByte() throws Exception {
        RoutingRule rule = rule("newrule-big-table-untagged");
        assertEquals(3_000_000_000L, rule.table());
        assertEquals(0, rule.protocol());
        assertEquals(0xffffffffL, rule.fwmask(), "a mark without mask is matched whole");
    }

    @Test
    void ourRequestCarriesEverySelectorOfTheRule() throws Exception {
        // Read back with the dump parser, the request for the rule ip made is that rule again.
        RoutingRule expected = rule("newrule-selectors-unreachable");
        NetlinkMessage request = org.sacip.netlink.NetlinkMessageParser.parse(RuleMessages.build(Rtnl.RTM_NEWRULE,
                0, expected, 1)).get(0);
        NetlinkMessage asDumped = new NetlinkMessage(Rtnl.RTM_NEWRULE, 0, 1, 0, request.payload());
        assertEquals(Optional.of(expected), RuleMessages.parse(asDumped));
    }

    @Test
    void taggedRouteOfATable() throws Exception {
        RouteInfo route = RouteMessageParser.parse(KernelFixtures.message("newroute-default-table-tagged"));
        assertEquals(100, route.table());
        assertEquals(OURS, route.protocol());
        assertEquals(0, route.destinationLength());
        assertEquals(Optional.of(InetAddress.getByName("198.18.2.254")), route.gateway());
    }

    @Test
    void otherMessagesAreRefused() {
        assertEquals(NetlinkParseException.Reason.UNEXPECTED_MESSAGE, assertThrows(NetlinkParseException.class,
                () -> RuleMessages.parse(KernelFixtures.message("error-extack-unknown-kind"))).reason());
    }

    @Test
    void everyTruncationIsATypedErrorOrAValidPrefix() {
        for (String name : new String[] {"newrule-lookup-from-tagged", "newrule-ipv6-suppress-main",
                "newrule-selectors-unreachable", "newrule-big-table-untagged"}) {
            TruncationCheck.everyTruncation(KernelFixtures.bytes(name), RuleMessages::parse);
        }
    }
}
