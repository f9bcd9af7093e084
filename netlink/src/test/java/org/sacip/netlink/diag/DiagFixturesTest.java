package org.sacip.netlink.diag;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;
import org.sacip.netlink.fixtures.KernelFixtures;
import org.sacip.netlink.fixtures.TruncationCheck;

/** sock_diag parser against messages captured from Linux 6.18 by CaptureKernelFixtures. */
class DiagFixturesTest {

    @Test
    void dualStackTcpConnectionShowsItsIpv4Tuple() throws Exception {
        SocketInfo socket = SocketMessageParser.parse(KernelFixtures.message("diag-tcp-established"),
                TransportProtocol.TCP);
        assertEquals(10, socket.family());
        assertEquals(TcpState.ESTABLISHED, socket.state());
        assertEquals(new InetSocketAddress(InetAddress.getByName("198.18.0.9"), 40000), socket.local());
        assertEquals(new InetSocketAddress(InetAddress.getByName("198.18.0.1"), 8080), socket.remote());
        assertEquals(0, socket.uid());
        assertTrue(socket.inode() > 0);
    }

    @Test
    void unconnectedUdpSocket() throws Exception {
        SocketInfo socket = SocketMessageParser.parse(KernelFixtures.message("diag-udp-unconnected"),
                TransportProtocol.UDP);
        assertEquals(2, socket.family());
        assertEquals(TcpState.CLOSE, socket.state());
        assertEquals(new InetSocketAddress(InetAddress.getByName("198.18.0.1"), 5353), socket.local());
        assertEquals(0, socket.remote().getPort());
    }

    @Test
    void destroyNotificationNamesItsProtocol() throws Exception {
        SocketInfo socket = SocketMessageParser.parse(KernelFixtures.message("diag-destroy-notification"), null);
        assertEquals(TransportProtocol.TCP, socket.protocol());
        assertEquals(new InetSocketAddress(InetAddress.getByName("198.18.0.9"), 40000), socket.local());
    }

    @Test
    void everyTruncationIsATypedErrorOrAValidPrefix() {
        for (String name : new String[] {"diag-tcp-established", "diag-udp-unconnected"}) {
            TruncationCheck.everyTruncation(KernelFixtures.bytes(name),
                    m -> SocketMessageParser.parse(m, TransportProtocol.TCP));
        }
        TruncationCheck.everyTruncation(KernelFixtures.bytes("diag-destroy-notification"),
                m -> SocketMessageParser.parse(m, null));
    }
}
