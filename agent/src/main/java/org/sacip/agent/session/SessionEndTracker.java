package org.sacip.agent.session;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Which of the sessions of moved addresses are still alive. A socket session ends when the kernel no longer has
 * its socket (a destroy notification, or absent from a re-dump, whatever closing state it went through); a UDP
 * flow ends when conntrack dropped it or it has been idle longer than the configured timeout. Pure logic; not
 * thread-safe.
 */
public final class SessionEndTracker {
    private final Duration udpIdleTimeout;
    private final Map<SessionKey, Session> live = new LinkedHashMap<>();

    public SessionEndTracker(Duration udpIdleTimeout) {
        if (udpIdleTimeout.isNegative() || udpIdleTimeout.isZero()) {
            throw new IllegalArgumentException("UDP idle timeout must be positive: " + udpIdleTimeout);
        }
        this.udpIdleTimeout = udpIdleTimeout;
    }

    /** Starts following these sessions (again following one already known changes nothing). */
    public void track(Collection<Session> sessions) {
        sessions.forEach(session -> live.putIfAbsent(session.key(), session));
    }

    /**
     * The kernel reported these sockets destroyed, named by cookie: a destroy notification carries zero addresses
     * and ports (measured on Linux 6.x), the cookie is what identifies the socket. Returns the sessions that ended.
     */
    public List<Session> socketsDestroyed(Collection<Long> cookies) {
        Set<Long> destroyed = Set.copyOf(cookies);
        List<Session> ended = live.values().stream()
                .filter(session -> session.origin() == SessionOrigin.SOCKET && destroyed.contains(session.kernelId()))
                .toList();
        ended.forEach(session -> live.remove(session.key()));
        return ended;
    }

    /** Compares the tracked sessions an observation covers with what it saw; returns those that ended. */
    public List<Session> reconcile(SessionObservation observation) {
        Set<SessionKey> seen = observation.sessions().stream().map(Session::key).collect(Collectors.toSet());
        List<Session> ended = new ArrayList<>();
        for (Session session : live.values()) {
            if (!observation.covers(session)) {
                continue;
            }
            boolean gone = !seen.contains(session.key());
            boolean idle = session.origin() == SessionOrigin.CONNTRACK_FLOW
                    && observation.flowIdle().getOrDefault(session.key(), Duration.ZERO).compareTo(udpIdleTimeout) > 0;
            if (gone || idle) {
                ended.add(session);
            }
        }
        ended.forEach(session -> live.remove(session.key()));
        return ended;
    }

    public boolean isLive(SessionKey key) {
        return live.containsKey(key);
    }

    public List<Session> live() {
        return List.copyOf(live.values());
    }
}
