package org.sacip.agent.handover;

import org.sacip.agent.datapath.Endpoint;
import org.sacip.agent.datapath.SessionProtocol;
import org.sacip.agent.datapath.SessionTuple;
import org.sacip.agent.session.Session;

/** The data path's view of a discovered session. */
public final class SessionTuples {
    private SessionTuples() {
    }

    public static SessionTuple of(Session session) {
        return new SessionTuple(SessionProtocol.valueOf(session.protocol().name()),
                new Endpoint(session.local().getAddress(), session.local().getPort()),
                new Endpoint(session.remote().getAddress(), session.remote().getPort()));
    }
}
