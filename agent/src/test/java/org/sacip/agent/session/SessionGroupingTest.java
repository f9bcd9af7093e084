package org.sacip.agent.session;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.sacip.netlink.diag.TransportProtocol;

class SessionGroupingTest {
    static InetSocketAddress endpoint(String address, int port) throws Exception {
        return new InetSocketAddress(InetAddress.getByName(address), port);
    }

    static Session session(TransportProtocol protocol, String local, int localPort, String remote, int remotePort,
            SessionOrigin origin) throws Exception {
        return new Session(new SessionTuple(protocol == TransportProtocol.TCP ? SessionProtocol.TCP
                : SessionProtocol.UDP, new Endpoint(InetAddress.getByName(local), localPort),
                new Endpoint(InetAddress.getByName(remote), remotePort)), origin, localPort);
    }

    @Test
    void onePeerGroupPerAddressWhateverThePortsAndProtocols() throws Exception {
        Session a1 = session(TransportProtocol.TCP, "198.18.0.1", 1001, "198.19.0.9", 22, SessionOrigin.SOCKET);
        Session b1 = session(TransportProtocol.TCP, "198.18.0.1", 1002, "198.19.0.10", 22, SessionOrigin.SOCKET);
        Session a2 = session(TransportProtocol.UDP, "198.18.0.1", 1003, "198.19.0.9", 53,
                SessionOrigin.CONNTRACK_FLOW);
        Session v6 = session(TransportProtocol.TCP, "2001:db8::1", 1004, "2001:db8::9", 22, SessionOrigin.SOCKET);
        List<PeerSessions> groups = SessionGrouping.byPeer(List.of(v6, b1, a1, a2, a1));
        assertEquals(List.of(
                new PeerSessions(InetAddress.getByName("198.19.0.9"), List.of(a1, a2)),
                new PeerSessions(InetAddress.getByName("198.19.0.10"), List.of(b1)),
                new PeerSessions(InetAddress.getByName("2001:db8::9"), List.of(v6))), groups,
                "peers in address order (IPv4 first), each session once");
    }

    @Test
    void noSessionsNoGroups() {
        assertEquals(List.of(), SessionGrouping.byPeer(List.of()));
    }
}
