package org.sacip.agent.tunnel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.sacip.agent.session.Endpoint;
import org.sacip.agent.session.SessionProtocol;
import org.sacip.agent.session.SessionTuple;
import org.sacip.netlink.NetSysctl;
import org.sacip.netlink.testing.TestNamespace;

/**
 * The tunnel's routing in a namespace whose uplink is a veth and whose tunnel device a persistent TUN (made by
 * {@code ip tuntap}): a marked packet and a packet from a carried ghost to its peer leave through the device,
 * everything else by the main table (a more specific route there included); src_valid_mark is set; removing
 * restores the main table's routes.
 */
@Tag("integration")
class TunnelRoutesIntegrationTest {
    private static final long TABLE = 9_361_256L;
    private static final long PRIORITY = 32_699L;
    private static final long MARK = 0x02000000L;

    @Test
    void carriedPacketsLeaveThroughTheTunnelAndNothingElseDoes() throws Exception {
        try (TestNamespace ns = TestNamespace.create("tr")) {
            String uplink = ns.addVethPair("up");
            ns.exec("ip", "addr", "add", "198.18.1.2/24", "dev", uplink);
            ns.exec("ip", "route", "add", "default", "via", "198.18.1.1");
            // A more specific route to the peer in main: the tunnel's rules must still win for carried packets.
            ns.exec("ip", "route", "add", "198.18.10.0/24", "via", "198.18.1.1");
            ns.exec("ip", "addr", "add", "198.18.3.2/32", "dev", "lo");
            ns.exec("ip", "tuntap", "add", "dev", "sacip0", "mode", "tun");
            ns.exec("ip", "link", "set", "sacip0", "up");
            int device = Integer.parseInt(ns.exec("cat", "/sys/class/net/sacip0/ifindex").trim());
            try (TunnelRoutes routes = TunnelRoutes.open(Optional.of(ns.netNamespace()), TABLE, PRIORITY, MARK)) {
                routes.install(device);
                assertEquals(1, NetSysctl.read(ns.netNamespace(), "net.ipv4.conf.all.src_valid_mark"));
                assertTrue(route(ns, "198.18.10.2", "mark", "0x02000000").contains("dev sacip0"), "marked");
                assertTrue(route(ns, "198.18.10.2").contains("dev " + uplink), "unmarked");
                assertTrue(route(ns, "198.18.10.2", "from", "198.18.3.2").contains("dev " + uplink),
                        "not carried yet");

                SessionTuple carried = new SessionTuple(SessionProtocol.TCP, new Endpoint(ip("198.18.3.2"), 40000),
                        new Endpoint(ip("198.18.10.2"), 5101));
                routes.carry(Set.of(carried));
                assertTrue(route(ns, "198.18.10.2", "from", "198.18.3.2", "ipproto", "tcp", "sport", "40000", "dport",
                        "5101").contains("dev sacip0"), "the carried session's own route");
                assertTrue(route(ns, "198.18.10.2", "from", "198.18.3.2", "ipproto", "tcp", "sport", "40001", "dport",
                        "5101").contains("dev " + uplink), "another connection between the same addresses");
                assertTrue(route(ns, "198.18.10.2", "from", "198.18.3.2", "ipproto", "udp", "sport", "4253", "dport",
                        "4253").contains("dev " + uplink), "the agent's own datagrams");

                routes.carry(Set.of());
                assertTrue(route(ns, "198.18.10.2", "from", "198.18.3.2", "ipproto", "tcp", "sport", "40000", "dport",
                        "5101").contains("dev " + uplink), "released");

                routes.carry(Set.of(carried));
                routes.removeAll();
                String rules = ns.exec("ip", "rule", "show");
                assertFalse(rules.contains("lookup " + TABLE), rules);
                assertEquals("", ns.exec("ip", "route", "show", "table", Long.toString(TABLE)).trim());
                assertTrue(route(ns, "198.18.10.2", "mark", "0x02000000").contains("dev " + uplink), "all gone");
            }
        }
    }

    private static String route(TestNamespace ns, String destination, String... selectors) throws Exception {
        String[] command = new String[4 + selectors.length];
        command[0] = "ip";
        command[1] = "route";
        command[2] = "get";
        command[3] = destination;
        System.arraycopy(selectors, 0, command, 4, selectors.length);
        return ns.exec(command);
    }

    private static InetAddress ip(String text) throws Exception {
        return InetAddress.getByName(text);
    }
}
