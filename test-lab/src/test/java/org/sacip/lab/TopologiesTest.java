package org.sacip.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.sacip.lab.move.MoveKind;
import org.sacip.lab.move.MoveStep;
import org.sacip.lab.move.Mover;
import org.sacip.lab.topology.Family;
import org.sacip.lab.topology.Topology;
import org.sacip.lab.topology.TopologyBuilder;
import org.sacip.lab.topology.TopologyKind;

/** The topologies are built as specified: names, addresses, router settings, DAD on or off. */
class TopologiesTest {
    @Test
    void namespacesCarryTheOwnerPidAndLinksNeverAppearOnTheHost() {
        try (Lab lab = new Lab()) {
            TopologyBuilder.build(lab, TopologyKind.ROAMING, Family.IPV4);
            long pid = ProcessHandle.current().pid();
            List<LabNames.LabNamespace> mine = Leftovers.ownedBy(pid);
            assertEquals(3, mine.stream().filter(n -> n.ownerPid() == pid).count(), mine.toString());
            String hostLinks = Shell.run("ip", "-o", "link");
            for (String name : List.of("up1", "up2", "ra1", "ra2", "rb1", "lan1")) {
                assertFalse(hostLinks.contains(" " + name + "@") || hostLinks.contains(" " + name + ":"), name);
            }
        }
    }

    @Test
    void routerForwardsWithStrictReversePathFiltering() {
        try (Lab lab = new Lab()) {
            TopologyBuilder.build(lab, TopologyKind.ROAMING, Family.IPV4);
            assertEquals("1", lab.readSysctl("r", "net.ipv4.ip_forward"));
            assertEquals("1", lab.readSysctl("r", "net.ipv6.conf.all.forwarding"));
            for (String ifName : List.of("lan1", "ra2", "rb1")) {
                assertEquals("1", lab.readSysctl("r", "net.ipv4.conf." + ifName + ".rp_filter"), ifName);
            }
            assertTrue(lab.run("r", "nft", "list", "table", "ip6", "lab_rpfilter").contains("fib saddr . iif oif missing drop"));
        }
    }

    @Test
    void attackersSitOnTheLanAndBehindAnUnfilteredLink() {
        try (Lab lab = new Lab()) {
            TopologyBuilder.build(lab, TopologyKind.ATTACKERS, Family.IPV4);
            assertTrue(lab.run("m", "ip", "-o", "addr").contains("198.18.1.66/24"));
            assertTrue(lab.run("r", "ip", "-o", "link", "show", "master", "lan1").contains("rm@"));
            assertTrue(lab.run("e", "ip", "-o", "addr").contains("198.18.20.2/24"));
            assertEquals("0", lab.readSysctl("r", "net.ipv4.conf.re.rp_filter"));
            assertEquals("0", lab.readSysctl("r", "net.ipv4.conf.all.rp_filter"));
            assertTrue(lab.run("r", "ip", "route", "get", "198.18.20.2").contains("dev re"));
        }
    }

    @Test
    void ipv6HasNoDadByDefault() {
        try (Lab lab = new Lab()) {
            TopologyBuilder.build(lab, TopologyKind.ROAMING, Family.IPV6);
            assertEquals("0", lab.readSysctl("a", "net.ipv6.conf.up1.accept_dad"));
            String addr = lab.run("a", "ip", "-6", "-o", "addr", "show", "dev", "up1");
            assertTrue(addr.contains("2001:db8:1::2/64"), addr);
            assertFalse(addr.contains("tentative"), addr);
        }
    }

    @Test
    void ipv6DadVariantMakesTheNewAddressTentativeAfterAMove() {
        try (Lab lab = new Lab()) {
            Topology t = TopologyBuilder.build(lab, TopologyKind.ROAMING, Family.IPV6_DAD);
            assertEquals("1", lab.readSysctl("a", "net.ipv6.conf.up2.accept_dad"));
            assertTrue(lab.run("a", "ip", "-6", "addr", "show", "tentative").isBlank(), "DAD settled before start");
            new Mover(t).move(new MoveStep("a", 0, 1, MoveKind.BREAK_BEFORE_MAKE, 0));
            String tentative = lab.run("a", "ip", "-6", "addr", "show", "dev", "up2", "tentative");
            assertTrue(tentative.contains("2001:db8:2::2"), "right after the move the new address is tentative: " + tentative);
        }
    }

    @Test
    void bothRoamingGivesBTwoUplinks() {
        try (Lab lab = new Lab()) {
            Topology t = TopologyBuilder.build(lab, TopologyKind.BOTH_ROAMING, Family.IPV4);
            assertEquals(2, t.uplinkCount("b"));
            assertEquals("198.18.11.2", t.uplink("b", 1).address());
            assertTrue(lab.run("b", "ip", "-o", "link", "show", "dev", "up2").contains("state UP"));
        }
    }
}
