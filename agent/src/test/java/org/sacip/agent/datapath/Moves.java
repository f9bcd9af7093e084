package org.sacip.agent.datapath;

import java.net.InetAddress;
import org.sacip.agent.session.SessionTuple;

/** The remappings of the usual moves, as the handover asks for them (see {@code HandoverPlanner}). */
final class Moves {
    private Moves() {
    }

    /** We moved to {@code to} and announced it; the peer has not confirmed, so we still send from the original. */
    static Remapping announced(SessionTuple session, InetAddress to) {
        return new Remapping(session, to, session.local().address(), session.remote().address());
    }

    /** We moved to {@code to} and the peer confirmed it: we also send from there. */
    static Remapping confirmed(SessionTuple session, InetAddress to) {
        return new Remapping(session, to, to, session.remote().address());
    }

    /** The peer moved to {@code to}; our side stays. */
    static Remapping peerMoved(SessionTuple session, InetAddress to) {
        InetAddress local = session.local().address();
        return new Remapping(session, local, local, to);
    }
}
