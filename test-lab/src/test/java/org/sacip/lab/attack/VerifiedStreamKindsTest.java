package org.sacip.lab.attack;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.sacip.lab.Lab;
import org.sacip.lab.scenario.StreamFigures;
import org.sacip.lab.topology.Family;
import org.sacip.lab.topology.TopologyBuilder;
import org.sacip.lab.topology.TopologyKind;
import org.sacip.lab.traffic.TrafficKind;
import org.sacip.lab.traffic.UdpRequestResponse;
import org.sacip.netlink.NetNamespace;

/**
 * The verified kinds the NAT lab's applications use, on a link where nothing moves: a bulk transfer both ways at once
 * arrives intact in both directions, and an unconnected UDP client counts a reply from any address but the server's
 * as corrupted (a connected one would never see it).
 */
class VerifiedStreamKindsTest {
    private static final Duration FLOWING = Duration.ofSeconds(10);

    @Test
    void aDuplexBulkTransferArrivesIntactBothWays() {
        try (Lab lab = new Lab()) {
            TopologyBuilder.build(lab, TopologyKind.TWO_HOSTS, Family.IPV4);
            VerifiedStream bulk = VerifiedStream.open(lab, TrafficKind.BULK, Map.of("duplex", "true", "rate",
                    Integer.toString(1 << 20)), "a", Addresses.of("198.18.0.1"), "b", server(5001));
            assertTrue(bulk.awaitFlowing(FLOWING), "both ends receive");
            StreamFigures figures = bulk.finish();
            assertAll(
                    () -> assertEquals("survived", figures.verdict().label(), Streams.describe(figures)),
                    () -> assertEquals(Boolean.TRUE, figures.hashesMatch()),
                    () -> assertEquals(0, figures.bytesLost()));
        }
    }

    @Test
    void anUnconnectedUdpClientCountsAReplyFromAnotherAddressAsCorrupted() throws Exception {
        try (Lab lab = new Lab()) {
            TopologyBuilder.build(lab, TopologyKind.TWO_HOSTS, Family.IPV4);
            lab.run("b", "ip", "addr", "add", "198.18.0.3/32", "dev", "eth0");
            InetAddress a = Addresses.of("198.18.0.1");
            VerifiedStream udp = VerifiedStream.open(lab, TrafficKind.UDP, Map.of("unconnected", "true"), "a", a,
                    "b", server(5002));
            assertTrue(udp.awaitFlowing(FLOWING), "requests and replies flow");
            // A well-formed reply (a sequence number and its complement) from B's other address, the server's port.
            ByteBuffer reply = ByteBuffer.allocate(UdpRequestResponse.SIZE).putLong(7).putLong(~7L).flip();
            try (DatagramChannel foreign = NetNamespace.named(lab.ns("b")).call(() -> {
                DatagramChannel channel = DatagramChannel.open();
                channel.bind(new InetSocketAddress(Addresses.of("198.18.0.3"), 5002));
                return channel;
            })) {
                foreign.send(reply, new InetSocketAddress(a, udp.clientPort()));
            }
            StreamFigures figures = udp.finish();
            assertEquals(UdpRequestResponse.SIZE, figures.bytesCorrupted(), Streams.describe(figures));
        }
    }

    private static InetSocketAddress server(int port) {
        return new InetSocketAddress(Addresses.of("198.18.0.2"), port);
    }
}
