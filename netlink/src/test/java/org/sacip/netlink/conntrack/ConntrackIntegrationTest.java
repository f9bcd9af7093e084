package org.sacip.netlink.conntrack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.sacip.netlink.testing.TestNamespace;

/** ctnetlink UDP flow dumps filtered by address, against conntrack entries of a throwaway namespace. */
@Tag("integration")
class ConntrackIntegrationTest {

    private static void insert(TestNamespace ns, String protocol, String source, String destination, int sourcePort,
            int destinationPort) throws Exception {
        ns.exec("conntrack", "-I", "-p", protocol, "-s", source, "-d", destination, "--sport",
                Integer.toString(sourcePort), "--dport", Integer.toString(destinationPort), "-t", "300",
                protocol.equals("tcp") ? "--state" : "-u", protocol.equals("tcp") ? "ESTABLISHED" : "ASSURED");
    }

    private static Set<String> describe(List<ConntrackFlow> flows) {
        return flows.stream().map(f -> f.original().source().getHostAddress() + ":" + f.original().sourcePort()
                + ">" + f.original().destination().getHostAddress() + ":" + f.original().destinationPort())
                .collect(Collectors.toSet());
    }

    @Test
    void udpFlowsAreFilteredByAddressInTheKernel() throws Exception {
        try (TestNamespace ns = TestNamespace.create("ct");
                ConntrackClient conntrack = ConntrackClient.open(ns.netNamespace())) {
            insert(ns, "udp", "198.18.0.1", "198.18.0.2", 1000, 2000);
            insert(ns, "udp", "198.18.0.1", "198.18.0.3", 1001, 2001);
            insert(ns, "udp", "198.18.0.3", "198.18.0.1", 1002, 53);
            insert(ns, "udp", "198.18.0.4", "198.18.0.5", 1003, 2003);
            insert(ns, "tcp", "198.18.0.1", "198.18.0.2", 1004, 2004);
            insert(ns, "udp", "2001:db8::1", "2001:db8::2", 1005, 2005);
            insert(ns, "udp", "2001:db8::5", "2001:db8::2", 1006, 2006);

            assertEquals(Set.of("198.18.0.1:1000>198.18.0.2:2000", "198.18.0.1:1001>198.18.0.3:2001"),
                    describe(conntrack.udpFlows(InetAddress.getByName("198.18.0.1"), FlowDirection.ORIGINAL_SOURCE)));
            assertEquals(Set.of("198.18.0.3:1002>198.18.0.1:53"), describe(conntrack.udpFlows(
                    InetAddress.getByName("198.18.0.1"), FlowDirection.ORIGINAL_DESTINATION)));
            List<ConntrackFlow> involving = conntrack.udpFlowsInvolving(InetAddress.getByName("198.18.0.1"));
            assertEquals(3, involving.size());
            String listed = ns.exec("conntrack", "-L", "-p", "udp", "--orig-src", "198.18.0.1");
            assertEquals(2, listed.lines().filter(l -> l.startsWith("udp")).count(), listed);

            List<ConntrackFlow> v6 = conntrack.udpFlows(InetAddress.getByName("2001:db8::1"),
                    FlowDirection.ORIGINAL_SOURCE);
            assertEquals(1, v6.size());
            ConntrackFlow flow = v6.get(0);
            assertEquals(InetAddress.getByName("2001:db8::2"), flow.reply().source());
            assertEquals(2005, flow.reply().sourcePort());
            assertEquals(17, flow.original().protocol());
            assertTrue(flow.timeoutSeconds() > 0 && flow.timeoutSeconds() <= 300);
            assertTrue((flow.status() & ConntrackFlow.IPS_ASSURED) != 0);
            assertEquals(2, conntrack.udpFlows(InetAddress.getByName("2001:db8::2"),
                    FlowDirection.ORIGINAL_DESTINATION).size());
            assertTrue(conntrack.udpFlows(InetAddress.getByName("2001:db8::9"), FlowDirection.ORIGINAL_SOURCE)
                    .isEmpty());
        }
    }

    @Test
    void allFlowsOfAProtocolAndFamilyComeInOneDump() throws Exception {
        try (TestNamespace ns = TestNamespace.create("ct");
                ConntrackClient conntrack = ConntrackClient.open(ns.netNamespace())) {
            insert(ns, "udp", "198.18.0.1", "198.18.0.2", 1000, 2000);
            insert(ns, "udp", "198.18.0.4", "198.18.0.5", 1003, 2003);
            insert(ns, "tcp", "198.18.0.1", "198.18.0.2", 1004, 2004);
            insert(ns, "udp", "2001:db8::1", "2001:db8::2", 1005, 2005);
            insert(ns, "tcp", "2001:db8::1", "2001:db8::2", 1006, 2006);

            assertEquals(Set.of("198.18.0.1:1000>198.18.0.2:2000", "198.18.0.4:1003>198.18.0.5:2003"),
                    describe(conntrack.flows(17, false)));
            assertEquals(Set.of("198.18.0.1:1004>198.18.0.2:2004"), describe(conntrack.flows(6, false)));
            assertEquals(Set.of("2001:db8:0:0:0:0:0:1:1005>2001:db8:0:0:0:0:0:2:2005"), describe(conntrack.flows(17, true)));
            assertEquals(Set.of("2001:db8:0:0:0:0:0:1:1006>2001:db8:0:0:0:0:0:2:2006"), describe(conntrack.flows(6, true)));
            org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                    () -> conntrack.flows(1, false), "ICMP has no ports");
        }
    }

    @Test
    void realDatagramsFromAnUnconnectedSocketShowUp() throws Exception {
        try (TestNamespace ns = TestNamespace.create("ct");
                ConntrackClient conntrack = ConntrackClient.open(ns.netNamespace())) {
            ns.exec("ip", "addr", "add", "198.18.0.1/32", "dev", "lo");
            ns.exec("ip", "addr", "add", "198.18.0.2/32", "dev", "lo");
            // Conntrack only tracks a namespace's packets once a rule there uses it.
            ns.exec("nft", "add table inet sacipct; add chain inet sacipct out { type filter hook output priority 0; };"
                    + " add rule inet sacipct out ct state new counter");
            try (DatagramChannel sender = ns.netNamespace().call(() -> DatagramChannel.open()
                    .bind(new InetSocketAddress("198.18.0.1", 0)));
                    DatagramChannel receiver = ns.netNamespace().call(() -> DatagramChannel.open()
                            .bind(new InetSocketAddress("198.18.0.2", 0)))) {
                sender.send(ByteBuffer.wrap(new byte[] {1}), receiver.getLocalAddress());
                int sourcePort = ((InetSocketAddress) sender.getLocalAddress()).getPort();
                int destinationPort = ((InetSocketAddress) receiver.getLocalAddress()).getPort();
                String expected = "198.18.0.1:" + sourcePort + ">198.18.0.2:" + destinationPort;
                Set<String> found = Set.of();
                long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
                while (!found.contains(expected) && System.nanoTime() < deadline) {
                    found = describe(conntrack.udpFlows(InetAddress.getByName("198.18.0.1"),
                            FlowDirection.ORIGINAL_SOURCE));
                }
                assertEquals(Set.of(expected), found);
            }
        }
    }
}
