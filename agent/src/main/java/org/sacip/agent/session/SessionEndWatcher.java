package org.sacip.agent.session;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
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

    /** Starts following sessions, e.g. those of a move plan. */
    public void track(List<Session> sessions) {
        tracker.track(sessions);
    }

    /** Waits up to {@code timeout} for destroy notifications; returns the tracked sessions that ended. */
    public List<Session> pollDestroyed(Duration timeout) throws NetlinkException {
        try {
            return tracker.socketsDestroyed(destroyed.poll(timeout).stream().map(SocketInfo::cookie).toList());
        } catch (NetlinkOverrunException e) {
            // Notifications were lost: the re-dump decides instead.
            return recheck();
        }
    }

    /** Re-dumps the addresses of the tracked sessions; returns those that ended (gone, or UDP flows idle). */
    public List<Session> recheck() throws NetlinkException {
        List<Session> ended = new java.util.ArrayList<>();
        for (var address : tracker.live().stream().map(session -> session.local().getAddress()).distinct().toList()) {
            ended.addAll(tracker.reconcile(discovery.withLocalAddress(address)));
        }
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
