package org.sacip.agent.session;

import java.net.InetAddress;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The unconnected UDP flows of each local address as the last scan (once a second) found them in conntrack. A
 * conntrack dump walks the host's whole conntrack table whatever its filter (about 26 ms measured here), too slow
 * for a handover, so moves take the flows from here; a flow younger than the last scan has no key yet anyway
 * (keys are agreed for sessions of 1 s or more). Thread-safe.
 */
public final class RecentUdpFlows {
    private final Map<InetAddress, List<Session>> byLocal = new ConcurrentHashMap<>();

    /** Keeps the conntrack flows among {@code sessions}, all of whose local address is {@code local}. */
    public void update(InetAddress local, List<Session> sessions) {
        byLocal.put(local, sessions.stream().filter(s -> s.origin() == SessionOrigin.CONNTRACK_FLOW).toList());
    }

    public List<Session> from(InetAddress local) {
        return byLocal.getOrDefault(local, List.of());
    }

    public List<Session> between(InetAddress local, InetAddress peer) {
        return from(local).stream().filter(session -> session.peer().equals(peer)).toList();
    }
}
