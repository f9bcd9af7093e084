package org.sacip.netlink.route;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.sacip.netlink.testing.TestNamespace;

/**
 * Single-flow blackhole rules over rtnetlink, checked against what {@code ip rule} shows in a throwaway namespace:
 * both families, batches larger than one system call, idempotent add and delete, and other rules left alone.
 */
class BlackholeRuleIntegrationTest {
    private static final int PRIORITY = 9361;

    @Test
    void addsListsAndDeletesRulesAsIpRuleSeesThem() throws Exception {
        try (TestNamespace ns = TestNamespace.create("rule"); RtnetlinkClient client = RtnetlinkClient.open(
                ns.netNamespace())) {
            ns.exec("ip", "rule", "add", "pref", "9361", "from", "198.18.9.9", "to", "198.18.9.8", "blackhole");
            BlackholeRule v4 = new BlackholeRule(PRIORITY, address("198.18.1.11"), address("198.18.0.2"), 6, 40000,
                    5001);
            BlackholeRule v6 = new BlackholeRule(PRIORITY, address("2001:db8:1::11"), address("2001:db8::2"), 6,
                    40001, 5001);
            client.addBlackholeRules(List.of(v4, v6));
            client.addBlackholeRules(List.of(v4));
            assertEquals(Set.of(v4, v6), new HashSet<>(client.blackholeRules(PRIORITY)),
                    "the plain from/to rule of someone else is not ours to list");
            String shown = ns.exec("ip", "rule", "show", "pref", "9361") + ns.exec("ip", "-6", "rule", "show", "pref",
                    "9361");
            assertTrue(shown.contains("from 198.18.1.11 to 198.18.0.2 ipproto tcp sport 40000 dport 5001 blackhole"),
                    shown);
            assertTrue(shown.contains("from 2001:db8:1::11 to 2001:db8::2 ipproto tcp sport 40001 dport 5001 "
                    + "blackhole"), shown);
            assertEquals(1, shown.lines().filter(l -> l.contains("sport 40000")).count(), "added twice, kept once");

            client.deleteBlackholeRules(List.of(v4, v6));
            client.deleteBlackholeRules(List.of(v4));
            assertTrue(client.blackholeRules(PRIORITY).isEmpty());
            assertTrue(ns.exec("ip", "rule", "show", "pref", "9361").contains("from 198.18.9.9 to 198.18.9.8"),
                    "someone else's rule must stay");
        }
    }

    @Test
    void manyRulesGoInBatches() throws Exception {
        try (TestNamespace ns = TestNamespace.create("rules"); RtnetlinkClient client = RtnetlinkClient.open(
                ns.netNamespace())) {
            List<BlackholeRule> rules = new ArrayList<>();
            for (int i = 0; i < 2000; i++) {
                rules.add(new BlackholeRule(PRIORITY, address("198.18.1.11"), address("198.18.0.2"), 6, 10000 + i,
                        5001));
            }
            client.addBlackholeRules(rules);
            assertEquals(2000, client.blackholeRules(PRIORITY).size());
            assertEquals(2000, ns.exec("ip", "rule", "show", "pref", "9361").lines().count());
            client.deleteBlackholeRules(rules);
            assertFalse(ns.exec("ip", "rule", "show").contains("9361:"));
        }
    }

    @Test
    void rejectsRulesThatCannotExist() {
        assertThrows(IllegalArgumentException.class, () -> new BlackholeRule(PRIORITY, address("198.18.0.1"),
                address("2001:db8::1"), 6, 1, 1));
        assertThrows(IllegalArgumentException.class, () -> new BlackholeRule(PRIORITY, address("198.18.0.1"),
                address("198.18.0.2"), 6, 0, 1));
    }

    private static InetAddress address(String literal) {
        try {
            return InetAddress.getByName(literal);
        } catch (java.net.UnknownHostException e) {
            throw new IllegalArgumentException(e);
        }
    }
}
