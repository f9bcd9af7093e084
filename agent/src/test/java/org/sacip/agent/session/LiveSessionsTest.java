package org.sacip.agent.session;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.InetAddress;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.sacip.netlink.diag.TransportProtocol;

class LiveSessionsTest {
    private static SessionTuple tuple(TransportProtocol protocol, String local, int localPort, String remote)
            throws Exception {
        return SessionGroupingTest.session(protocol, local, localPort, remote, 443, SessionOrigin.SOCKET).tuple();
    }

    @Test
    void perPeerCountsTheLiveSessionsOfOneLocalAddressOnce() throws Exception {
        LiveSessions live = new LiveSessions();
        SessionTuple a1 = tuple(TransportProtocol.TCP, "198.18.0.1", 1001, "198.19.0.9");
        SessionTuple a2 = tuple(TransportProtocol.UDP, "198.18.0.1", 1002, "198.19.0.9");
        SessionTuple b1 = tuple(TransportProtocol.TCP, "198.18.0.1", 1003, "198.19.0.10");
        SessionTuple other = tuple(TransportProtocol.TCP, "198.18.0.2", 1004, "198.19.0.9");
        live.add(List.of(a1, a2, b1, other, a1));
        InetAddress local = InetAddress.getByName("198.18.0.1");
        assertEquals(Map.of(InetAddress.getByName("198.19.0.9"), 2, InetAddress.getByName("198.19.0.10"), 1),
                live.perPeer(local), "each session once, only those of the address asked for");
        live.remove(List.of(a2, b1));
        assertEquals(Map.of(InetAddress.getByName("198.19.0.9"), 1), live.perPeer(local));
        assertEquals(Map.of(), live.perPeer(InetAddress.getByName("198.18.0.3")));
        assertEquals(live.perPeer(local).get(InetAddress.getByName("198.19.0.9")), live.from(local).size(),
                "the counts agree with the sessions themselves");
    }
}
