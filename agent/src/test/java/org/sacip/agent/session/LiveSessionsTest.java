package org.sacip.agent.session;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.InetAddress;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
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

    @Test
    void byPeerGroupsAsSessionGroupingDoesWithoutRegrouping() throws Exception {
        LiveSessions live = new LiveSessions();
        SessionTuple v6 = tuple(TransportProtocol.TCP, "2001:db8::1", 1001, "2001:db8::9");
        SessionTuple high = tuple(TransportProtocol.TCP, "198.18.0.1", 1002, "198.19.0.10");
        SessionTuple low1 = tuple(TransportProtocol.TCP, "198.18.0.1", 1003, "198.19.0.9");
        SessionTuple low2 = tuple(TransportProtocol.UDP, "198.18.0.1", 1004, "198.19.0.9");
        live.add(List.of(high, low1, low2, v6, low1));
        InetAddress local = InetAddress.getByName("198.18.0.1");
        List<PeerSessions> groups = live.byPeer(local);
        assertEquals(List.of(InetAddress.getByName("198.19.0.9"), InetAddress.getByName("198.19.0.10")),
                groups.stream().map(PeerSessions::peer).toList(), "peers in address order, only this address's");
        assertEquals(Set.of(low1, low2), tuples(groups.get(0)), "each session once");
        assertEquals(Set.of(high), tuples(groups.get(1)));
        assertEquals(SessionGrouping.byPeer(live.from(local)).stream().map(g -> Map.entry(g.peer(), tuples(g)))
                .toList(), groups.stream().map(g -> Map.entry(g.peer(), tuples(g))).toList(),
                "the same groups as grouping the sessions one by one");
        live.remove(List.of(high));
        assertEquals(1, live.byPeer(local).size(), "a peer without sessions has no group");
        assertEquals(List.of(), live.byPeer(InetAddress.getByName("198.18.0.3")));
    }

    private static Set<SessionTuple> tuples(PeerSessions group) {
        return group.sessions().stream().map(Session::tuple).collect(Collectors.toSet());
    }
}
