package org.sacip.agent.session;

import java.net.InetAddress;
import java.util.List;

/** The sessions with one peer address: what one update to that peer covers. */
public record PeerSessions(InetAddress peer, List<Session> sessions) {
    public PeerSessions {
        sessions = List.copyOf(sessions);
    }
}
