package org.sacip.netlink.conntrack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import org.junit.jupiter.api.Test;
import org.sacip.netlink.fixtures.KernelFixtures;
import org.sacip.netlink.fixtures.TruncationCheck;

/** ctnetlink parser against dump answers captured from Linux 6.18 by CaptureKernelFixtures. */
class ConntrackFixturesTest {

    @Test
    void ipv4UdpFlowWithBothTuples() throws Exception {
        ConntrackFlow flow = ConntrackMessageParser.parse(KernelFixtures.message("ctnetlink-udp-ipv4"));
        assertEquals(new FlowTuple(InetAddress.getByName("198.18.0.1"), InetAddress.getByName("198.18.0.2"), 17,
                5353, 53), flow.original());
        assertEquals(new FlowTuple(InetAddress.getByName("198.18.0.2"), InetAddress.getByName("198.18.0.1"), 17,
                53, 5353), flow.reply());
        assertTrue((flow.status() & ConntrackFlow.IPS_ASSURED) != 0);
        assertTrue(flow.timeoutSeconds() > 0 && flow.timeoutSeconds() <= 300);
    }

    @Test
    void ipv6UdpFlow() throws Exception {
        ConntrackFlow flow = ConntrackMessageParser.parse(KernelFixtures.message("ctnetlink-udp-ipv6"));
        assertEquals(InetAddress.getByName("2001:db8::1"), flow.original().source());
        assertEquals(53, flow.original().destinationPort());
    }

    @Test
    void everyTruncationIsATypedErrorOrAValidPrefix() {
        TruncationCheck.everyTruncation(KernelFixtures.bytes("ctnetlink-udp-ipv4"), ConntrackMessageParser::parse);
        TruncationCheck.everyTruncation(KernelFixtures.bytes("ctnetlink-udp-ipv6"), ConntrackMessageParser::parse);
    }
}
