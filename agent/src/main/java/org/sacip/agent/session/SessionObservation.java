package org.sacip.agent.session;

import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * What one kernel dump showed for one address: the live sessions whose local (or, on the receiving side, remote)
 * address it is, and for the UDP flows among them how long each has been idle.
 */
public record SessionObservation(InetAddress address, End end, List<Session> sessions,
        Map<SessionKey, Duration> flowIdle) {

    /** Which end of the sessions the observed address is. */
    public enum End { LOCAL, REMOTE }

    public SessionObservation {
        sessions = List.copyOf(sessions);
        flowIdle = Map.copyOf(flowIdle);
    }

    /** Whether a session falls under this observation, i.e. would have been listed if it still existed. */
    public boolean covers(Session session) {
        InetAddress mine = end == End.LOCAL ? session.local().getAddress() : session.peer();
        return mine.equals(address);
    }
}
