package org.sacip.agent.peer.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.InetAddress;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.sacip.netlink.testing.LinkedNamespaces;
import org.sacip.netlink.udp.UdpSocket;

/**
 * The agent port carries the tunnel (docs/DATAPATH.md), whose datagrams are full-size: a burst of them (a TCP window
 * of a carried session) that arrives while the receiving thread is away waits in the socket and is delivered whole,
 * where the kernel's default buffer kept some 90; and one leaves for a peer whose path MTU the kernel recorded lower
 * (as a carried session's oversized segment makes it record for the NAT's address), where it used to fail. The NAT
 * lab's bulk transfer through the tunnel lost segments to both (NatApplicationsMoveTest).
 */
class UdpPeerTransportTunnelTest {
    private static final int AGENT_PORT = 4253;
    private static final int BURST = 600;
    /** The payload of a full-size tunnel datagram on a 1500-octet IPv4 path. */
    private static final int FULL_SIZE = 1472;

    private final NamespaceLab lab = new NamespaceLab();

    @AfterEach
    void cleanUp() throws Exception {
        lab.close();
    }

    @Test
    void aBurstOfFullSizeDatagramsWaitsWhileTheReceivingThreadIsBusy() throws Exception {
        LinkedNamespaces link = lab.add(LinkedNamespaces.create("ut"));
        HostTransport b = lab.add(HostTransport.openIn(link.b, Transports.SETTINGS, AGENT_PORT));
        CountDownLatch burstSent = new CountDownLatch(1);
        AtomicInteger delivered = new AtomicInteger();
        b.startUdp(datagram -> {
            if (delivered.getAndIncrement() == 0) {
                try {
                    // Busy with the first datagram while the rest of the burst arrives.
                    burstSent.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        });
        UdpSocket a = lab.add(UdpSocket.open(link.a.netNamespace(), 4, 0, 0));
        byte[] fullSize = new byte[FULL_SIZE];
        a.send(fullSize, LinkedNamespaces.bAddress(4), AGENT_PORT, null);
        Transports.await(() -> delivered.get() == 1, "the first datagram reached the listener", delivered::get);
        for (int i = 1; i < BURST; i++) {
            a.send(fullSize, LinkedNamespaces.bAddress(4), AGENT_PORT, null);
        }
        burstSent.countDown();
        Transports.await(() -> delivered.get() == BURST, "every datagram of the burst delivered", delivered::get);
    }

    @Test
    void aFullSizeDatagramLeavesForAPeerWhosePathMtuTheKernelRecordedLower() throws Exception {
        LinkedNamespaces link = lab.add(LinkedNamespaces.create("um"));
        HostTransport a = lab.add(HostTransport.openIn(link.a, Transports.SETTINGS, AGENT_PORT));
        a.startUdp(datagram -> { });
        UdpSocket b = lab.add(UdpSocket.open(link.b.netNamespace(), 4, AGENT_PORT, 0));
        InetAddress peer = LinkedNamespaces.bAddress(4);
        // What the kernel records on a "fragmentation needed" from the tunnel device (MTU 1432) for a segment to B.
        link.a.exec("ip", "route", "add", peer.getHostAddress(), "dev", link.aInterface, "mtu", "lock", "1432");
        a.udp().send(LinkedNamespaces.aAddress(4), peer, AGENT_PORT, new byte[FULL_SIZE]);
        assertEquals(FULL_SIZE, b.receive(Duration.ofSeconds(5))
                .orElseThrow(() -> new AssertionError("the datagram did not arrive")).length());
    }
}
