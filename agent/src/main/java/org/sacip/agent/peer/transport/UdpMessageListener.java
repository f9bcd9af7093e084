package org.sacip.agent.peer.transport;

import org.sacip.netlink.udp.ReceivedDatagram;

/**
 * Receives SACIP-over-UDP datagrams on the receiving thread of the socket they came in on (one per IP version). Like
 * {@link PeerMessageListener}, it must not block: the socket's queue fills while it runs.
 */
@FunctionalInterface
public interface UdpMessageListener {
    void onDatagram(ReceivedDatagram datagram);

    /** The socket has nothing more queued after one or more datagrams: what the listener held back, it acts on now. */
    default void queueEmpty() {
    }
}
