package org.sacip.netlink.route;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.sacip.netlink.NetlinkMessageParser;
import org.sacip.netlink.NetlinkParseException;
import org.sacip.netlink.fixtures.KernelFixtures;
import org.sacip.netlink.fixtures.TruncationCheck;

/**
 * rtnetlink parsers against messages captured from Linux 6.18 by CaptureKernelFixtures (see the comment line of
 * each .hex file); the expected values are the set-up of that capture.
 */
class RouteFixturesTest {

    @Test
    void secondaryIpv4Address() throws Exception {
        InterfaceAddress address = AddressMessageParser.parse(KernelFixtures.message("newaddr-ipv4-secondary"));
        assertEquals(InetAddress.getByName("198.18.0.9"), address.address());
        assertEquals(24, address.prefixLength());
        assertEquals(2, address.interfaceIndex());
        assertEquals(InterfaceAddress.SCOPE_GLOBAL, address.scope());
        assertEquals(Set.of(AddressFlag.SECONDARY, AddressFlag.PERMANENT), address.flags());
        assertTrue(address.label().matches("s\\d+fa"), address.label());
    }

    @Test
    void nodadDeprecatedIpv6Address() throws Exception {
        InterfaceAddress address = AddressMessageParser.parse(
                KernelFixtures.message("newaddr-ipv6-nodad-deprecated"));
        assertEquals(InetAddress.getByName("2001:db8::1"), address.address());
        assertEquals(64, address.prefixLength());
        assertEquals(Set.of(AddressFlag.NODAD, AddressFlag.DEPRECATED, AddressFlag.PERMANENT), address.flags());
        assertEquals(0, address.preferredLifetime());
        assertEquals(InterfaceAddress.FOREVER, address.validLifetime());
    }

    @Test
    void vethLinkWithItsIpv4Configuration() throws Exception {
        LinkInfo link = LinkMessageParser.parse(KernelFixtures.message("newlink-veth"));
        assertEquals(2, link.index());
        assertEquals("02:00:00:00:00:01", link.macText());
        assertEquals(LinkLayer.ETHERNET, link.linkLayer());
        assertEquals(14, link.linkLayer().headerLength());
        assertEquals("veth", link.kind());
        assertTrue(link.up() && link.carrier());
        assertEquals(1500, link.mtu());
        assertEquals(2, RtnetlinkClient.Ipv4DeviceConfigParser.value(KernelFixtures.message("newlink-veth"),
                Ipv4DeviceSetting.ARP_ANNOUNCE));
        assertEquals(0, RtnetlinkClient.Ipv4DeviceConfigParser.value(KernelFixtures.message("newlink-veth"),
                Ipv4DeviceSetting.PROMOTE_SECONDARIES));
    }

    @Test
    void routeLookupThroughGateway() throws Exception {
        RouteInfo route = RouteMessageParser.parse(KernelFixtures.message("newroute-get-via-gateway"));
        assertEquals(InetAddress.getByName("198.19.4.4"), route.destination().orElseThrow());
        assertEquals(32, route.destinationLength());
        assertEquals(InetAddress.getByName("198.18.0.2"), route.gateway().orElseThrow());
        assertEquals(InetAddress.getByName("198.18.0.1"), route.preferredSource().orElseThrow());
        assertEquals(2, route.outputInterface());
        assertEquals(254, route.table());
        assertEquals(RouteInfo.TYPE_UNICAST, route.type());
    }

    @Test
    void reachableNeighbour() throws Exception {
        NeighbourEntry entry = NeighbourMessageParser.parse(KernelFixtures.message("newneigh-reachable"));
        assertEquals(InetAddress.getByName("198.18.0.2"), entry.address());
        assertEquals("02:00:00:00:00:02", entry.linkLayerText());
        assertEquals("REACHABLE", entry.stateName());
        assertTrue(entry.isResolved());
    }

    @Test
    void impossiblePrefixLengthIsATypedError() throws Exception {
        byte[] bytes = KernelFixtures.bytes("newaddr-ipv4-secondary");
        bytes[16 + 1] = 40; // ifa_prefixlen of an IPv4 address
        NetlinkParseException error = assertThrows(NetlinkParseException.class, () -> AddressMessageParser.parse(
                NetlinkMessageParser.parse(ByteBuffer.wrap(bytes).order(ByteOrder.nativeOrder())).get(0)));
        assertEquals(NetlinkParseException.Reason.BAD_ATTRIBUTE_VALUE, error.reason());
    }

    @Test
    void everyTruncationOfEveryFixtureIsATypedErrorOrAValidPrefix() {
        TruncationCheck.everyTruncation(KernelFixtures.bytes("newaddr-ipv4-secondary"), AddressMessageParser::parse);
        TruncationCheck.everyTruncation(KernelFixtures.bytes("newaddr-ipv6-nodad-deprecated"),
                AddressMessageParser::parse);
        TruncationCheck.everyTruncation(KernelFixtures.bytes("newlink-veth"), LinkMessageParser::parse);
        TruncationCheck.everyTruncation(KernelFixtures.bytes("newlink-veth"),
                m -> RtnetlinkClient.Ipv4DeviceConfigParser.value(m, Ipv4DeviceSetting.PROMOTE_SECONDARIES));
        TruncationCheck.everyTruncation(KernelFixtures.bytes("newroute-get-via-gateway"),
                RouteMessageParser::parse);
        TruncationCheck.everyTruncation(KernelFixtures.bytes("newneigh-reachable"), NeighbourMessageParser::parse);
    }
}
