package org.sacip.agent.datapath;

import java.net.InetAddress;
import java.util.Objects;
import org.sacip.agent.session.SessionTuple;
import org.sacip.netlink.nftables.TupleKey;

/**
 * A wire tuple that no longer belongs to a session: the peer moved away from its original address and the grace
 * period for packets in flight is over. Inbound packets with it are dropped, so whoever holds the peer's old address
 * now cannot reach the session's socket ({@code localOnWire} is an address of ours the old tuple could name).
 */
public record StaleTuple(SessionTuple session, InetAddress localOnWire) {
    public StaleTuple {
        Objects.requireNonNull(session, "session");
        Objects.requireNonNull(localOnWire, "localOnWire");
    }

    /** The inbound wire tuple: from the peer's original endpoint to ours. */
    public TupleKey key() {
        return new TupleKey(session.remote().address(), localOnWire, session.protocol().number(),
                session.remote().port(), session.local().port());
    }
}
