package org.sacip.agent.route;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.sacip.agent.move.ManagedScope;
import org.sacip.netlink.testing.TestNamespace;
import org.sacip.testing.Eventually;

/**
 * The source routes in a throwaway namespace with two uplinks: the main table's default goes out of uplink 1 and
 * is then switched to uplink 2, as a host does when it prefers a new link. Checked with the kernel's own route
 * lookups ({@code ip route get}), and against another program's rule and route that must survive everything.
 */
@Tag("integration")
class SourceRoutesIntegrationTest {
    private static final Duration LIMIT = Duration.ofSeconds(10);
    private static final SourceRouteSettings SETTINGS = new SourceRouteSettings(5000, 5009, 1000);
    /** An address of uplink 2 that moved sessions send from. */
    private static final String Y = "198.18.2.2";
    private static final String X = "198.18.1.1";
    private static final String X6 = "2001:db8:1::1";
    private static final String PEER = "198.19.5.5";
    private static final String PEER6 = "2001:db8:99::5";

    private static InetAddress ip(String literal) throws Exception {
        return InetAddress.getByName(literal);
    }

    /** Uplink 1 carries X and the default routes, uplink 2 has addresses only (until the switch). */
    private static TestNamespace twoUplinks(String[] links) throws Exception {
        TestNamespace ns = TestNamespace.create("sr");
        try {
            ns.disableDad();
            links[0] = ns.addVethPair("u");
            links[1] = ns.addVethPair("v");
            ns.addAddresses(links[0], X + "/24", X6 + "/64");
            ns.addAddresses(links[1], "198.18.2.1/24", "2001:db8:2::1/64");
            ns.exec("ip", "route", "add", "default", "via", "198.18.1.254", "dev", links[0]);
            ns.exec("ip", "-6", "route", "add", "default", "via", "2001:db8:1::fe", "dev", links[0]);
            // Another program's rule and route, next to ours.
            ns.exec("ip", "rule", "add", "pref", "1500", "from", "198.18.2.1", "lookup", "100");
            ns.exec("ip", "route", "add", "198.19.0.0/16", "via", "198.18.2.254", "table", "100");
        } catch (Exception e) {
            ns.close();
            throw e;
        }
        return ns;
    }

    /** The interface {@code ip route get} names for a destination, from a source. */
    private static String outOf(TestNamespace ns, String destination, String source) {
        String answer = exec(ns, "ip", "route", "get", destination, "from", source);
        String[] words = answer.split("\\s+");
        for (int i = 0; i + 1 < words.length; i++) {
            if (words[i].equals("dev")) {
                return words[i + 1];
            }
        }
        throw new AssertionError("no dev in: " + answer);
    }

    private static String rules(TestNamespace ns) {
        return exec(ns, "ip", "rule", "show") + exec(ns, "ip", "-6", "rule", "show");
    }

    private static String exec(TestNamespace ns, String... command) {
        try {
            return ns.exec(command);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void sessionsOfAnAddressKeepLeavingByItsUplinkWhenTheDefaultRouteMovesAndTheRoutesGoWithTheLastSession()
            throws Exception {
        String[] links = new String[2];
        try (TestNamespace ns = twoUplinks(links); SourceRoutes routes = SourceRoutes.start(
                Optional.of(ns.netNamespace()), SETTINGS, ManagedScope.everything())) {
            ns.exec("ip", "address", "add", Y + "/24", "dev", links[1]);
            routes.addresses(Set.of(ip(X), ip(X6), ip("198.18.2.1")), Set.of());
            Eventually.await(LIMIT, () -> routes.tables().size() == 2, () -> "source routes for X and X6: "
                    + routes.tables());
            String rules = rules(ns);
            assertTrue(rules.contains("1000:\tfrom all lookup main suppress_prefixlength 0 proto 93"), rules);
            assertTrue(rules.contains("1001:\tfrom " + X + " lookup 5000 proto 93"), rules);
            assertTrue(rules.contains("1001:\tfrom " + X6 + " lookup 5001 proto 93"), rules);
            assertFalse(rules.contains("1001:\tfrom 198.18.2.1 "), "uplink 2 has no default route to keep: " + rules);
            String table = ns.exec("ip", "route", "show", "table", "5000");
            assertTrue(table.contains("default via 198.18.1.254 dev " + links[0] + " proto 93"), table);
            assertTrue(table.contains("198.18.1.0/24 dev " + links[0] + " proto 93 scope link"), table);

            // The host prefers uplink 2 now: new connections go there, X's sessions stay on uplink 1.
            ns.exec("ip", "route", "replace", "default", "via", "198.18.2.254", "dev", links[1]);
            ns.exec("ip", "-6", "route", "replace", "default", "via", "2001:db8:2::fe", "dev", links[1]);
            routes.kernelChanged();
            Eventually.await(LIMIT, () -> outOf(ns, PEER, "198.18.2.1").equals(links[1]), () -> "main's"
                    + " default via uplink 2");
            assertEquals(links[0], outOf(ns, PEER, X), "X's packets keep their uplink");
            assertEquals(links[0], outOf(ns, PEER6, X6), "X6's packets keep their uplink");
            assertEquals(links[1], outOf(ns, "198.18.2.77", X), "main's more specific routes still win");

            // Sessions moved to Y send from it: Y keeps uplink 2 when the host prefers uplink 1 again (the move
            // back home, before the peer confirmed it).
            routes.addresses(Set.of(ip(X), ip(X6)), Set.of(ip(Y)));
            InetAddress y = ip(Y);
            Eventually.await(LIMIT, () -> routes.tables().containsKey(y), () -> "a source route for Y: "
                    + routes.tables());
            ns.exec("ip", "route", "replace", "default", "via", "198.18.1.254", "dev", links[0]);
            routes.kernelChanged();
            // (198.18.2.1's packets to 198.19/16 follow the other program's rule: ask for elsewhere.)
            Eventually.await(LIMIT, () -> outOf(ns, "198.20.0.1", "198.18.2.1").equals(links[0]), () -> "main's"
                    + " default via uplink 1 again");
            assertEquals(links[1], outOf(ns, PEER, Y), "Y's packets keep their uplink");
            assertTrue(rules(ns).contains("from " + Y + " lookup "), rules(ns));
            ns.exec("ip", "route", "replace", "default", "via", "198.18.2.254", "dev", links[1]);
            routes.addresses(Set.of(ip(X), ip(X6)), Set.of());
            Eventually.await(LIMIT, () -> !rules(ns).contains("from " + Y + " "), () -> "Y's rule removed with"
                    + " the last session sending from it: " + rules(ns));
            assertTrue(ns.exec("ip", "route", "show", "table", "5000").contains("default via 198.18.1.254"),
                    "the old default is kept after the kernel's change and the refresh");

            // Someone deletes our rule: the next refresh puts it back.
            ns.exec("ip", "rule", "del", "pref", "1001", "from", X, "lookup", "5000");
            routes.kernelChanged();
            Eventually.await(LIMIT, () -> rules(ns).contains("from " + X + " lookup 5000"),
                    () -> "the deleted rule restored");

            // The last session of X ends; X6's still live.
            routes.addresses(Set.of(ip(X6)), Set.of());
            Eventually.await(LIMIT, () -> !rules(ns).contains("from " + X + " "), () -> "X's rule removed");
            assertEquals("", ns.exec("ip", "route", "show", "table", "5000").strip(), "and its table emptied");
            assertTrue(rules(ns).contains("from " + X6 + " lookup"), rules(ns));
            // A flush: no address carries sessions any more.
            routes.addresses(Set.of(), Set.of());
            Eventually.await(LIMIT, () -> !rules(ns).contains("proto 93"), () -> "every rule of ours removed: "
                    + rules(ns));
            assertEquals("", ns.exec("ip", "-6", "route", "show", "table", "5001").strip());
            assertTrue(rules(ns).contains("1500:\tfrom 198.18.2.1 lookup 100"), "the other program's rule stays");
            assertTrue(ns.exec("ip", "route", "show", "table", "100").contains("198.19.0.0/16"), "and its route");
        }
    }

    @Test
    void startRefusesPrioritiesAndTablesAnotherProgramHolds() throws Exception {
        String[] links = new String[2];
        try (TestNamespace ns = twoUplinks(links)) {
            SourceRouteException priority = assertThrows(SourceRouteException.class, () -> SourceRoutes.start(
                    Optional.of(ns.netNamespace()), new SourceRouteSettings(5000, 5009, 1499),
                    ManagedScope.everything()));
            assertEquals(SourceRouteException.Reason.PRIORITY_TAKEN, priority.reason());
            assertTrue(priority.getMessage().contains("priority 1500"), priority.getMessage());
            SourceRouteException lookedUp = assertThrows(SourceRouteException.class, () -> SourceRoutes.start(
                    Optional.of(ns.netNamespace()), new SourceRouteSettings(90, 110, 1000),
                    ManagedScope.everything()));
            assertEquals(SourceRouteException.Reason.TABLE_TAKEN, lookedUp.reason());
            ns.exec("ip", "route", "add", "198.20.0.0/16", "via", "198.18.1.254", "table", "5003");
            SourceRouteException held = assertThrows(SourceRouteException.class, () -> SourceRoutes.start(
                    Optional.of(ns.netNamespace()), SETTINGS, ManagedScope.everything()));
            assertEquals(SourceRouteException.Reason.TABLE_TAKEN, held.reason());
            assertTrue(held.getMessage().contains("table 5003"), held.getMessage());
            assertFalse(rules(ns).contains("proto 93"), "nothing changed");
        }
    }
}
