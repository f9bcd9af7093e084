package org.sacip.agent.session;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Groups sessions by peer address, so a move sends one update per peer and not one per socket. */
public final class SessionGrouping {
    /** Addresses in a stable order: IPv4 before IPv6, then by their bytes. */
    public static final Comparator<InetAddress> ADDRESS_ORDER =
            Comparator.<InetAddress>comparingInt(address -> address.getAddress().length)
                    .thenComparing(InetAddress::getAddress, java.util.Arrays::compareUnsigned);

    private SessionGrouping() {
    }

    /** One group per distinct peer, peers in address order, sessions in the order given, duplicates dropped. */
    public static List<PeerSessions> byPeer(Collection<Session> sessions) {
        Map<InetAddress, Map<SessionTuple, Session>> groups = new LinkedHashMap<>();
        for (Session session : sessions) {
            groups.computeIfAbsent(session.peer(), peer -> new LinkedHashMap<>()).putIfAbsent(session.tuple(), session);
        }
        List<PeerSessions> result = new ArrayList<>();
        groups.forEach((peer, bySession) -> result.add(new PeerSessions(peer, new ArrayList<>(bySession.values()))));
        result.sort(Comparator.comparing(PeerSessions::peer, ADDRESS_ORDER));
        return result;
    }
}
