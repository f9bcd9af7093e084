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
 * The sessions the tracker knows alive, by local address, readable from any thread without waiting: the move
 * monitor takes the sessions of a lost address from here (no kernel dump on the move's critical path).
 */
public final class LiveSessions {
    private final Map<InetAddress, Set<SessionTuple>> byLocal = new ConcurrentHashMap<>();

    public void add(Collection<SessionTuple> sessions) {
        for (SessionTuple tuple : sessions) {
            byLocal.computeIfAbsent(tuple.local().address(), a -> ConcurrentHashMap.newKeySet()).add(tuple);
        }
    }

    public void remove(Collection<SessionTuple> sessions) {
        for (SessionTuple tuple : sessions) {
            byLocal.computeIfPresent(tuple.local().address(), (a, set) -> {
                set.remove(tuple);
                return set.isEmpty() ? null : set;
            });
        }
    }

    /** The live sessions whose local address is {@code original}. */
    public List<Session> from(InetAddress original) {
        List<Session> sessions = new ArrayList<>();
        for (SessionTuple tuple : byLocal.getOrDefault(original, Set.of())) {
            sessions.add(new Session(tuple, SessionOrigin.TRACKED, 0));
        }
        return sessions;
    }

    /** How many live sessions of {@code original} each peer address holds, without building the sessions. */
    public Map<InetAddress, Integer> perPeer(InetAddress original) {
        Map<InetAddress, Integer> counts = new HashMap<>();
        for (SessionTuple tuple : byLocal.getOrDefault(original, Set.of())) {
            counts.merge(tuple.remote().address(), 1, Integer::sum);
        }
        return counts;
    }

    /** The local addresses that carry live sessions now. */
    public Set<InetAddress> addresses() {
        return Set.copyOf(byLocal.keySet());
    }

    public int size() {
        return byLocal.values().stream().mapToInt(Set::size).sum();
    }
}
