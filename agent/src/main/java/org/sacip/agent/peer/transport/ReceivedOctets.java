package org.sacip.agent.peer.transport;

import java.net.InetAddress;
import java.util.List;
import org.sacip.agent.session.SessionTuple;

/** How many octets a peer has sent us in our sessions with it, by the kernel's counters. */
@FunctionalInterface
public interface ReceivedOctets {
    /** Octets received from {@code peer} in the given sessions (IP headers included); 0 when not known. */
    long from(InetAddress peer, List<SessionTuple> sessions);
}
