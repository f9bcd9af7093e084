package org.sacip.agent.session;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The sessions the tracker knows alive, by local address and peer, readable from any thread without waiting: the
 * move monitor takes the sessions of a lost address from here (no kernel dump on the move's critical path). Kept by
 * peer because that is how a move asks: every route event wants the count per peer, and a move its sessions grouped
 * by peer; at 100,000 sessions, counting or grouping them one by one cost hundreds of milliseconds per event on the
 * way to the move. Written by one thread (the tracker's listener), read by any.
 */
public final class LiveSessions {
    private final Map<InetAddress, Map<InetAddress, Set<SessionTuple>>> byLocal = new ConcurrentHashMap<>();

    public void add(Collection<SessionTuple> sessions) {
        for (SessionTuple tuple : sessions) {
            byLocal.computeIfAbsent(tuple.local().address(), a -> new ConcurrentHashMap<>())
                    .computeIfAbsent(tuple.remote().address(), p -> ConcurrentHashMap.newKeySet()).add(tuple);
        }
    }

    public void remove(Collection<SessionTuple> sessions) {
        for (SessionTuple tuple : sessions) {
            byLocal.computeIfPresent(tuple.local().address(), (a, peers) -> {
                peers.computeIfPresent(tuple.remote().address(), (p, set) -> {
                    set.remove(tuple);
                    return set.isEmpty() ? null : set;
                });
                return peers.isEmpty() ? null : peers;
            });
        }
    }

    /** The live sessions whose local address is {@code original}. */
    public List<Session> from(InetAddress original) {
        List<Session> sessions = new ArrayList<>();
        byLocal.getOrDefault(original, Map.of()).values().forEach(set -> set.forEach(tuple -> sessions.add(
                new Session(tuple, SessionOrigin.TRACKED, 0))));
        return sessions;
    }

    /** The live sessions of {@code original}, one group per peer, peers in {@link SessionGrouping#ADDRESS_ORDER}. */
    public List<PeerSessions> byPeer(InetAddress original) {
        List<PeerSessions> groups = new ArrayList<>();
        byLocal.getOrDefault(original, Map.of()).forEach((peer, set) -> {
            List<Session> sessions = new ArrayList<>(set.size());
            set.forEach(tuple -> sessions.add(new Session(tuple, SessionOrigin.TRACKED, 0)));
            if (!sessions.isEmpty()) {
                groups.add(new PeerSessions(peer, sessions));
            }
        });
        groups.sort(java.util.Comparator.comparing(PeerSessions::peer, SessionGrouping.ADDRESS_ORDER));
        return groups;
    }

    /** How many live sessions of {@code original} each peer address holds, without looking at the sessions. */
    public Map<InetAddress, Integer> perPeer(InetAddress original) {
        Map<InetAddress, Integer> counts = new HashMap<>();
        byLocal.getOrDefault(original, Map.of()).forEach((peer, set) -> {
            int size = set.size();
            if (size > 0) {
                counts.put(peer, size);
            }
        });
        return counts;
    }

    /** The local addresses that carry live sessions now. */
    public Set<InetAddress> addresses() {
        return Set.copyOf(byLocal.keySet());
    }

    public int size() {
        return byLocal.values().stream().flatMap(peers -> peers.values().stream()).mapToInt(Set::size).sum();
    }
}
