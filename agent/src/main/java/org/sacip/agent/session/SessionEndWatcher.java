package org.sacip.agent.session;

import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.sacip.netlink.NetNamespace;
import org.sacip.netlink.NetlinkException;
import org.sacip.netlink.NetlinkOverrunException;
import org.sacip.netlink.diag.SocketDestroyWatcher;
import org.sacip.netlink.diag.SocketInfo;

/**
 * Follows tracked sessions to their end: the kernel's socket destroy notifications end socket sessions at once;
 * a filtered re-dump of each address that still has tracked sessions catches anything missed (an overrun) and
 * ends idle UDP flows. Not thread-safe.
 */
public final class SessionEndWatcher implements AutoCloseable {
    private final SocketDestroyWatcher destroyed;
    private final SessionDiscovery discovery;
    private final SessionEndTracker tracker;
    private final Map<SessionKey, SessionObservation.End> ends = new HashMap<>();

    private SessionEndWatcher(SocketDestroyWatcher destroyed, SessionDiscovery discovery, SessionEndTracker tracker) {
        this.destroyed = destroyed;
        this.discovery = discovery;
        this.tracker = tracker;
    }

    public static SessionEndWatcher open(Optional<NetNamespace> namespace, Duration udpIdleTimeout)
            throws NetlinkException {
        SessionEndTracker tracker = new SessionEndTracker(udpIdleTimeout);
        SocketDestroyWatcher destroyed = namespace.isPresent() ? SocketDestroyWatcher.open(namespace.get())
                : SocketDestroyWatcher.open();
        try {
            return new SessionEndWatcher(destroyed, SessionDiscovery.open(namespace), tracker);
        } catch (NetlinkException | RuntimeException e) {
            destroyed.close();
            throw e;
        }
    }

    /** Starts following sessions of a local address, e.g. those of a move plan. */
    public void track(List<Session> sessions) {
        track(sessions, SessionObservation.End.LOCAL);
    }

    /**
     * Starts following sessions found by the given end: {@code REMOTE} for the receiving side, whose sessions are
     * re-dumped by their peer address.
     */
    public void track(List<Session> sessions, SessionObservation.End end) {
        sessions.forEach(session -> ends.putIfAbsent(session.key(), end));
        tracker.track(sessions);
    }

    /** Waits up to {@code timeout} for destroy notifications; returns the tracked sessions that ended. */
    public List<Session> pollDestroyed(Duration timeout) throws NetlinkException {
        try {
            return forgetEnded(tracker.socketsDestroyed(destroyed.poll(timeout).stream().map(SocketInfo::cookie)
                    .toList()));
        } catch (NetlinkOverrunException e) {
            // Notifications were lost: the re-dump decides instead.
            return recheck();
        }
    }

    /** Re-dumps the addresses of the tracked sessions; returns those that ended (gone, or UDP flows idle). */
    public List<Session> recheck() throws NetlinkException {
        Set<InetAddress> locals = new LinkedHashSet<>();
        Set<InetAddress> remotes = new LinkedHashSet<>();
        for (Session session : tracker.live()) {
            if (ends.get(session.key()) == SessionObservation.End.REMOTE) {
                remotes.add(session.peer());
            } else {
                locals.add(session.local().getAddress());
            }
        }
        List<Session> ended = new ArrayList<>();
        for (InetAddress address : locals) {
            ended.addAll(tracker.reconcile(discovery.withLocalAddress(address)));
        }
        for (InetAddress address : remotes) {
            ended.addAll(tracker.reconcile(discovery.withRemoteAddress(address)));
        }
        return forgetEnded(ended);
    }

    private List<Session> forgetEnded(List<Session> ended) {
        ended.forEach(session -> ends.remove(session.key()));
        return ended;
    }

    public List<Session> live() {
        return tracker.live();
    }

    @Override
    public void close() {
        discovery.close();
        destroyed.close();
    }
}
