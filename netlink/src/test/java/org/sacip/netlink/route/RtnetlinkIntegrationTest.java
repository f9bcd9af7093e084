package org.sacip.netlink.route;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.sacip.netlink.Errno;
import org.sacip.netlink.NetlinkErrorException;
import org.sacip.netlink.testing.TestNamespace;

/** rtnetlink against the kernel of throwaway namespaces, checked against what `ip` reports. */
@Tag("integration")
class RtnetlinkIntegrationTest {
    private static final Duration EVENT_WAIT = Duration.ofSeconds(20);

    private static InetAddress ip(String text) throws Exception {
        return InetAddress.getByName(text);
    }

    /** Polls until an event matching {@code wanted} arrives; collects everything seen on the way. */
    private static <T extends RtnetlinkEvent> T awaitEvent(RtnetlinkEvents events, Class<T> type,
            Predicate<T> wanted) throws Exception {
        long deadline = System.nanoTime() + EVENT_WAIT.toNanos();
        List<RtnetlinkEvent> seen = new ArrayList<>();
        while (System.nanoTime() < deadline) {
            for (RtnetlinkEvent event : events.poll(Duration.ofMillis(500))) {
                seen.add(event);
                if (type.isInstance(event) && wanted.test(type.cast(event))) {
                    return type.cast(event);
                }
            }
        }
        throw new AssertionError("no matching " + type.getSimpleName() + " event; saw " + seen);
    }

    private static Set<RtnetlinkGroup> all() {
        return EnumSet.allOf(RtnetlinkGroup.class);
    }

    @Test
    void addressEventsCarryInterfacePrefixScopeAndFlagsAndSecondaryIsPromoted() throws Exception {
        try (TestNamespace ns = TestNamespace.create("rt");
                RtnetlinkClient client = RtnetlinkClient.open(ns.netNamespace());
                RtnetlinkEvents events = RtnetlinkEvents.open(ns.netNamespace(), all())) {
            String veth = ns.addVethPair("p");
            int index = client.link(veth).orElseThrow().index();
            client.setIpv4Setting(index, Ipv4DeviceSetting.PROMOTE_SECONDARIES, 1);
            assertEquals("1", ns.exec("sysctl", "-n", "net.ipv4.conf." + veth + ".promote_secondaries").trim());

            ns.exec("ip", "addr", "add", "198.18.0.1/24", "dev", veth);
            AddressEvent primary = awaitEvent(events, AddressEvent.class,
                    e -> e.address().address().getHostAddress().equals("198.18.0.1"));
            assertEquals(AddressEvent.Kind.ADDED, primary.kind());
            assertEquals(index, primary.address().interfaceIndex());
            assertEquals(24, primary.address().prefixLength());
            assertEquals(InterfaceAddress.SCOPE_GLOBAL, primary.address().scope());
            assertTrue(primary.address().has(AddressFlag.PERMANENT));
            assertFalse(primary.address().has(AddressFlag.SECONDARY));

            ns.exec("ip", "addr", "add", "198.18.0.2/24", "dev", veth);
            AddressEvent secondary = awaitEvent(events, AddressEvent.class,
                    e -> e.address().address().getHostAddress().equals("198.18.0.2"));
            assertTrue(secondary.address().has(AddressFlag.SECONDARY));

            ns.exec("ip", "addr", "del", "198.18.0.1/24", "dev", veth);
            AddressEvent removed = awaitEvent(events, AddressEvent.class,
                    e -> e.kind() == AddressEvent.Kind.REMOVED);
            assertEquals("198.18.0.1", removed.address().address().getHostAddress());
            // Promotion: the kernel re-announces the former secondary as a primary.
            AddressEvent promoted = awaitEvent(events, AddressEvent.class,
                    e -> e.kind() == AddressEvent.Kind.ADDED
                            && e.address().address().getHostAddress().equals("198.18.0.2"));
            assertFalse(promoted.address().has(AddressFlag.SECONDARY));
            assertTrue(client.addresses().stream().anyMatch(a -> a.address().getHostAddress().equals("198.18.0.2")
                    && !a.has(AddressFlag.SECONDARY)));
        }
    }

    @Test
    void ipv6AddressEventShowsTentativeThenNodadDeprecatedForms() throws Exception {
        try (TestNamespace ns = TestNamespace.create("rt");
                RtnetlinkEvents events = RtnetlinkEvents.open(ns.netNamespace(), all())) {
            String veth = ns.addVethPair("s");
            ns.exec("ip", "addr", "add", "2001:db8::1/64", "dev", veth);
            AddressEvent tentative = awaitEvent(events, AddressEvent.class,
                    e -> e.address().address().getHostAddress().equals("2001:db8:0:0:0:0:0:1"));
            assertEquals(64, tentative.address().prefixLength());
            assertTrue(tentative.address().has(AddressFlag.TENTATIVE), tentative.toString());

            ns.exec("ip", "addr", "add", "2001:db8::2/64", "dev", veth, "nodad", "preferred_lft", "0");
            AddressEvent deprecated = awaitEvent(events, AddressEvent.class,
                    e -> e.address().address().getHostAddress().equals("2001:db8:0:0:0:0:0:2"));
            assertTrue(deprecated.address().has(AddressFlag.DEPRECATED), deprecated.toString());
            assertTrue(deprecated.address().has(AddressFlag.NODAD));
            assertFalse(deprecated.address().has(AddressFlag.TENTATIVE));
            assertEquals(0, deprecated.address().preferredLifetime());
        }
    }

    @Test
    void duplicateIpv6AddressIsReportedAsDadFailed() throws Exception {
        try (TestNamespace a = TestNamespace.create("rta"); TestNamespace b = TestNamespace.create("rtb");
                RtnetlinkEvents events = RtnetlinkEvents.open(a.netNamespace(), all())) {
            String left = TestNamespace.interfaceName("da");
            String right = TestNamespace.interfaceName("db");
            a.exec("ip", "link", "add", left, "type", "veth", "peer", "name", right, "netns", b.name());
            b.exec("ip", "addr", "add", "2001:db8::5/64", "dev", right, "nodad");
            b.exec("ip", "link", "set", right, "up");
            a.exec("ip", "link", "set", left, "up");
            a.exec("ip", "addr", "add", "2001:db8::5/64", "dev", left);
            AddressEvent failed = awaitEvent(events, AddressEvent.class,
                    e -> e.address().address().getHostAddress().equals("2001:db8:0:0:0:0:0:5")
                            && e.address().has(AddressFlag.DADFAILED));
            assertTrue(failed.address().has(AddressFlag.TENTATIVE), failed.toString());
        }
    }

    @Test
    void loopbackHasItsOwnLinkLayerKind() throws Exception {
        try (TestNamespace ns = TestNamespace.create("rt");
                RtnetlinkClient client = RtnetlinkClient.open(ns.netNamespace())) {
            LinkInfo lo = client.link("lo").orElseThrow();
            assertEquals(LinkLayer.LOOPBACK, lo.linkLayer());
            assertEquals(1, lo.index());
            assertEquals(lo, client.link(1).orElseThrow());
            assertTrue(client.link(TestNamespace.interfaceName("zz")).isEmpty());
            assertTrue(client.links().contains(lo));
        }
    }

    @Test
    void linkEventsForAddUpCarrierDownRemove() throws Exception {
        try (TestNamespace ns = TestNamespace.create("rt");
                RtnetlinkEvents events = RtnetlinkEvents.open(ns.netNamespace(), all())) {
            String a = TestNamespace.interfaceName("la");
            String b = TestNamespace.interfaceName("lb");
            ns.exec("ip", "link", "add", a, "type", "veth", "peer", "name", b);
            LinkEvent added = awaitEvent(events, LinkEvent.class, e -> e.link().name().equals(a));
            assertEquals(LinkEvent.Kind.ADDED, added.kind());
            assertEquals(LinkLayer.ETHERNET, added.link().linkLayer());
            assertEquals(6, added.link().hardwareAddress().length);
            assertEquals("veth", added.link().kind());

            ns.exec("ip", "link", "set", a, "up");
            awaitEvent(events, LinkEvent.class, e -> e.link().name().equals(a) && e.kind() == LinkEvent.Kind.UP);
            ns.exec("ip", "link", "set", b, "up");
            awaitEvent(events, LinkEvent.class,
                    e -> e.link().name().equals(a) && e.kind() == LinkEvent.Kind.CARRIER_UP);
            ns.exec("ip", "link", "set", b, "down");
            awaitEvent(events, LinkEvent.class,
                    e -> e.link().name().equals(a) && e.kind() == LinkEvent.Kind.CARRIER_DOWN);
            ns.exec("ip", "link", "set", a, "down");
            awaitEvent(events, LinkEvent.class, e -> e.link().name().equals(a) && e.kind() == LinkEvent.Kind.DOWN);
            ns.exec("ip", "link", "del", a);
            awaitEvent(events, LinkEvent.class,
                    e -> e.link().name().equals(a) && e.kind() == LinkEvent.Kind.REMOVED);
        }
    }

    @Test
    void routeEventsForAddAndDelete() throws Exception {
        try (TestNamespace ns = TestNamespace.create("rt");
                RtnetlinkEvents events = RtnetlinkEvents.open(ns.netNamespace(), all())) {
            String veth = ns.addVethPair("r");
            ns.exec("ip", "addr", "add", "198.18.0.1/24", "dev", veth);
            ns.exec("ip", "route", "add", "198.19.7.0/24", "via", "198.18.0.254");
            RouteEvent added = awaitEvent(events, RouteEvent.class, e -> e.route().destination()
                    .map(d -> d.getHostAddress().equals("198.19.7.0")).orElse(false));
            assertEquals(RouteEvent.Kind.ADDED, added.kind());
            assertEquals(24, added.route().destinationLength());
            assertEquals("198.18.0.254", added.route().gateway().orElseThrow().getHostAddress());
            ns.exec("ip", "route", "del", "198.19.7.0/24");
            RouteEvent removed = awaitEvent(events, RouteEvent.class, e -> e.kind() == RouteEvent.Kind.REMOVED
                    && e.route().destination().map(d -> d.getHostAddress().equals("198.19.7.0")).orElse(false));
            assertEquals(254, removed.route().table());
        }
    }

    @Test
    void ruleEventsForAddAndDeleteInBothFamilies() throws Exception {
        try (TestNamespace ns = TestNamespace.create("rt");
                RtnetlinkEvents events = RtnetlinkEvents.open(ns.netNamespace(), all())) {
            ns.exec("ip", "rule", "add", "from", "198.18.5.7", "lookup", "9361003", "priority", "32701", "proto",
                    "93");
            RuleEvent added = awaitEvent(events, RuleEvent.class, e -> e.rule().priority() == 32701);
            assertEquals(RuleEvent.Kind.ADDED, added.kind());
            assertEquals(9361003, added.rule().table());
            assertEquals(93, added.rule().protocol());
            assertEquals("198.18.5.7", added.rule().from().orElseThrow().address().getHostAddress());
            ns.exec("ip", "rule", "del", "priority", "32701");
            RuleEvent removed = awaitEvent(events, RuleEvent.class, e -> e.kind() == RuleEvent.Kind.REMOVED
                    && e.rule().priority() == 32701);
            assertEquals(9361003, removed.rule().table());
            ns.exec("ip", "-6", "rule", "add", "from", "2001:db8::7", "lookup", "9361004", "priority", "32702");
            RuleEvent added6 = awaitEvent(events, RuleEvent.class, e -> e.rule().priority() == 32702);
            assertEquals(Rtnl.AF_INET6, added6.rule().family());
            assertEquals(RuleEvent.Kind.ADDED, added6.kind());
        }
    }

    @Test
    void ghostAddressesOnLoopbackAddAndDelete() throws Exception {
        try (TestNamespace ns = TestNamespace.create("rt");
                RtnetlinkClient client = RtnetlinkClient.open(ns.netNamespace())) {
            client.addGhost(ip("198.18.9.9"));
            client.addGhost(ip("2001:db8::99"));
            String v4 = ns.exec("ip", "-o", "-4", "addr", "show", "dev", "lo");
            assertTrue(v4.contains("inet 198.18.9.9/32 scope host"), v4);
            String v6 = ns.exec("ip", "-o", "-6", "addr", "show", "dev", "lo");
            assertTrue(v6.matches("(?s).*inet6 2001:db8::99/128 scope global (deprecated )?nodad.*"), v6);
            assertTrue(v6.contains("preferred_lft 0sec"), v6);
            InetAddress ghost6Address = ip("2001:db8::99");
            InterfaceAddress ghost6 = client.addresses().stream()
                    .filter(a -> a.address().equals(ghost6Address)).findFirst().orElseThrow();
            assertTrue(ghost6.has(AddressFlag.NODAD) && ghost6.has(AddressFlag.DEPRECATED));
            assertFalse(ghost6.has(AddressFlag.TENTATIVE));

            NetlinkErrorException duplicate = assertThrows(NetlinkErrorException.class,
                    () -> client.addGhost(ip("198.18.9.9")));
            assertEquals("EEXIST", duplicate.errnoName());

            client.deleteGhost(ip("198.18.9.9"));
            client.deleteGhost(ip("2001:db8::99"));
            String after = ns.exec("ip", "-o", "addr", "show", "dev", "lo");
            assertFalse(after.contains("198.18.9.9") || after.contains("2001:db8::99"), after);
        }
    }

    @Test
    void addressDumpMatchesIpAddr() throws Exception {
        try (TestNamespace ns = TestNamespace.create("rt");
                RtnetlinkClient client = RtnetlinkClient.open(ns.netNamespace())) {
            String veth = ns.addVethPair("d");
            int index = client.link(veth).orElseThrow().index();
            client.addAddress(AddressRequest.of(index, ip("198.18.3.1"), 24));
            client.addAddress(AddressRequest.of(index, ip("2001:db8:3::1"), 64));
            // IPv6 link-local addresses come up on their own, some time after the link: compared without them.
            List<String> ours = client.addresses().stream().filter(a -> !a.address().isLinkLocalAddress())
                    .map(a -> a.address().getHostAddress().replace("0:0:0:0:0:0:0:1", "::1") + "/" + a.prefixLength())
                    .sorted().toList();
            List<String> theirs = new ArrayList<>();
            Matcher matcher = Pattern.compile("inet6? (\\S+)").matcher(ns.exec("ip", "-o", "addr", "show"));
            while (matcher.find()) {
                if (!matcher.group(1).startsWith("fe80:")) {
                    theirs.add(matcher.group(1));
                }
            }
            List<String> normalized = theirs.stream().map(t -> t.replace("2001:db8:3::1", "2001:db8:3:0:0:0:0:1")
                    .replace("fe80::", "fe80:0:0:0:")).sorted().toList();
            assertEquals(ours.size(), theirs.size(), ours + " vs " + theirs);
            assertTrue(ours.contains("198.18.3.1/24") && ours.contains("2001:db8:3:0:0:0:0:1/64"), ours.toString());
            assertTrue(normalized.contains("198.18.3.1/24") && ours.contains("127.0.0.1/8"), normalized.toString());
        }
    }

    @Test
    void pathMtuIsTheRecordedOneAndTheDevices() throws Exception {
        try (TestNamespace ns = TestNamespace.create("pm");
                RtnetlinkClient client = RtnetlinkClient.open(ns.netNamespace())) {
            String veth = ns.addVethPair("p");
            ns.exec("ip", "addr", "add", "198.18.0.1/24", "dev", veth);
            ns.exec("ip", "route", "add", "198.19.0.0/16", "via", "198.18.0.254");
            ns.exec("ip", "route", "add", "198.19.5.0/24", "via", "198.18.0.254", "mtu", "1400");
            assertEquals(new PathMtu(OptionalInt.empty(), 1500), client.pathMtu(ip("198.19.4.4"), ip("198.18.0.1")));
            assertEquals(new PathMtu(OptionalInt.of(1400), 1500), client.pathMtu(ip("198.19.5.5"),
                    ip("198.18.0.1")), "the route's own MTU");
            ns.exec("ip", "link", "set", veth, "mtu", "1300");
            PathMtu smaller = client.pathMtu(ip("198.19.5.5"), ip("198.18.0.1"));
            assertEquals(1300, smaller.device(), "the device's");
            assertEquals(1300, smaller.effective());
        }
    }

    @Test
    void routeLookupAgreesWithIpRouteGet() throws Exception {
        try (TestNamespace ns = TestNamespace.create("rt");
                RtnetlinkClient client = RtnetlinkClient.open(ns.netNamespace())) {
            String veth = ns.addVethPair("g");
            String other = ns.addVethPair("h");
            ns.exec("ip", "addr", "add", "198.18.0.1/24", "dev", veth);
            ns.exec("ip", "addr", "add", "198.18.0.7/24", "dev", veth);
            ns.exec("ip", "addr", "add", "198.18.1.1/24", "dev", other);
            ns.exec("ip", "route", "add", "198.19.0.0/16", "via", "198.18.0.254");
            ns.exec("ip", "route", "add", "default", "via", "198.18.1.254");

            RouteInfo viaGateway = client.lookupRoute(ip("198.19.4.4"), Optional.empty(), OptionalInt.empty());
            String expected = ns.exec("ip", "-j", "route", "get", "198.19.4.4");
            assertEquals(field(expected, "dev"), client.link(viaGateway.outputInterface()).orElseThrow().name());
            assertEquals(field(expected, "gateway"), viaGateway.gateway().orElseThrow().getHostAddress());
            assertEquals(field(expected, "prefsrc"), viaGateway.preferredSource().orElseThrow().getHostAddress());

            RouteInfo fromSecond = client.lookupRoute(ip("198.19.4.4"), Optional.of(ip("198.18.0.7")),
                    OptionalInt.empty());
            String expectedFrom = ns.exec("ip", "-j", "route", "get", "198.19.4.4", "from", "198.18.0.7");
            assertEquals(field(expectedFrom, "dev"), client.link(fromSecond.outputInterface()).orElseThrow().name());

            int otherIndex = client.link(other).orElseThrow().index();
            RouteInfo viaOif = client.lookupRoute(ip("198.19.4.4"), Optional.empty(), OptionalInt.of(otherIndex));
            String expectedOif = ns.exec("ip", "-j", "route", "get", "198.19.4.4", "oif", other);
            assertEquals(otherIndex, viaOif.outputInterface());
            assertEquals(field(expectedOif, "gateway"), viaOif.gateway().orElseThrow().getHostAddress());
            assertEquals(field(expectedOif, "prefsrc"), viaOif.preferredSource().orElseThrow().getHostAddress());

            RouteInfo local = client.lookupRoute(ip("198.18.0.7"), Optional.empty(), OptionalInt.empty());
            assertEquals(RouteInfo.TYPE_LOCAL, local.type());
            assertTrue(field(ns.exec("ip", "-j", "route", "get", "198.18.0.7"), "type").equals("local"));

            ns.exec("ip", "route", "del", "default");
            NetlinkErrorException unreachable = assertThrows(NetlinkErrorException.class,
                    () -> client.lookupRoute(ip("203.0.113.1"), Optional.empty(), OptionalInt.empty()));
            assertEquals("ENETUNREACH", unreachable.errnoName());
        }
    }

    @Test
    void neighbourIsResolvedOnRequestAndMatchesIpNeigh() throws Exception {
        try (TestNamespace a = TestNamespace.create("rta"); TestNamespace b = TestNamespace.create("rtb");
                RtnetlinkClient client = RtnetlinkClient.open(a.netNamespace())) {
            String left = TestNamespace.interfaceName("na");
            String right = TestNamespace.interfaceName("nb");
            a.exec("ip", "link", "add", left, "type", "veth", "peer", "name", right, "netns", b.name());
            a.exec("ip", "addr", "add", "198.18.0.1/24", "dev", left);
            a.exec("ip", "link", "set", left, "up");
            b.exec("ip", "addr", "add", "198.18.0.2/24", "dev", right);
            b.exec("ip", "link", "set", right, "up");
            LinkInfo leftLink = client.link(left).orElseThrow();

            assertTrue(client.neighbour(leftLink.index(), ip("198.18.0.2")).isEmpty());
            client.resolveNeighbour(leftLink.index(), ip("198.18.0.2"));
            NeighbourEntry entry = null;
            long deadline = System.nanoTime() + EVENT_WAIT.toNanos();
            while (System.nanoTime() < deadline) {
                entry = client.neighbour(leftLink.index(), ip("198.18.0.2")).orElseThrow();
                if (entry.isResolved()) {
                    break;
                }
                Thread.sleep(50);
            }
            assertTrue(entry != null && entry.isResolved(), String.valueOf(entry));
            String peerMac = field(b.exec("ip", "-j", "link", "show", right), "address");
            assertEquals(peerMac, entry.linkLayerText());
            String neigh = a.exec("ip", "-j", "neigh", "show", "198.18.0.2", "dev", left);
            assertEquals(field(neigh, "lladdr"), entry.linkLayerText());
            assertTrue(neigh.contains("\"" + entry.stateName() + "\""), neigh + " vs " + entry.stateName());
        }
    }

    @Test
    void ipv4SettingsAreReadAndWrittenInTheNamespace() throws Exception {
        try (TestNamespace ns = TestNamespace.create("rt");
                RtnetlinkClient client = RtnetlinkClient.open(ns.netNamespace())) {
            String veth = ns.addVethPair("c");
            int index = client.link(veth).orElseThrow().index();
            String sysctl = "net.ipv4.conf." + veth + ".";
            assertEquals(Integer.parseInt(ns.exec("sysctl", "-n", sysctl + "arp_announce").trim()),
                    client.ipv4Setting(index, Ipv4DeviceSetting.ARP_ANNOUNCE));
            client.setIpv4Setting(index, Ipv4DeviceSetting.ARP_ANNOUNCE, 2);
            client.setIpv4Setting(index, Ipv4DeviceSetting.PROMOTE_SECONDARIES, 1);
            assertEquals("2", ns.exec("sysctl", "-n", sysctl + "arp_announce").trim());
            assertEquals("1", ns.exec("sysctl", "-n", sysctl + "promote_secondaries").trim());
            assertEquals(2, client.ipv4Setting(index, Ipv4DeviceSetting.ARP_ANNOUNCE));
            ns.exec("sysctl", "-qw", sysctl + "promote_secondaries=0");
            assertEquals(0, client.ipv4Setting(index, Ipv4DeviceSetting.PROMOTE_SECONDARIES));
        }
    }

    @Test
    void linkMtuAndStateAreSetAsIpLinkShowsThem() throws Exception {
        try (TestNamespace ns = TestNamespace.create("rt");
                RtnetlinkClient client = RtnetlinkClient.open(ns.netNamespace())) {
            String veth = ns.addVethPair("m");
            int index = client.link(veth).orElseThrow().index();
            client.setLink(LinkRequest.mtu(index, 1400));
            assertEquals(1400, client.link(index).orElseThrow().mtu());
            assertTrue(client.link(index).orElseThrow().up(), "an MTU change leaves the state alone");
            assertTrue(ns.exec("ip", "link", "show", veth).contains(" mtu 1400 "));
            client.setLink(LinkRequest.up(index, false));
            assertFalse(client.link(index).orElseThrow().up());
            assertEquals(1400, client.link(index).orElseThrow().mtu(), "a state change leaves the MTU alone");
            client.setLink(new LinkRequest(index, OptionalInt.of(1500), OptionalInt.empty(), Optional.of(true)));
            LinkInfo link = client.link(index).orElseThrow();
            assertTrue(link.up());
            assertEquals(1500, link.mtu());
            assertTrue(ns.exec("ip", "link", "show", veth).contains(",UP"));
            NetlinkErrorException tooSmall = assertThrows(NetlinkErrorException.class,
                    () -> client.setLink(LinkRequest.mtu(index, 10)));
            assertEquals(Errno.EINVAL, tooSmall.errno());
            NetlinkErrorException missing = assertThrows(NetlinkErrorException.class,
                    () -> client.setLink(LinkRequest.up(index + 1000, true)));
            assertEquals(Errno.ENODEV, missing.errno());
            assertThrows(IllegalArgumentException.class,
                    () -> new LinkRequest(index, OptionalInt.empty(), OptionalInt.empty(), Optional.empty()));
        }
    }

    /** The first string value of a key in `ip -j` output. */
    private static String field(String json, String key) {
        Matcher matcher = Pattern.compile("\"" + key + "\":\"([^\"]*)\"").matcher(json);
        if (!matcher.find()) {
            throw new AssertionError("no " + key + " in " + json);
        }
        return matcher.group(1);
    }
}
