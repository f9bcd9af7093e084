package org.sacip.agent.peer.transport;

import org.sacip.netlink.testing.TestNamespace;

/** Starts transports inside test namespaces. */
final class Transports {
    private Transports() {
    }

    /** A transport started on a thread inside the namespace, so its sockets, handles and threads live there. */
    static PeerTransport startIn(TestNamespace namespace, TransportSettings settings, PeerMessageListener listener)
            throws Exception {
        PeerTransport transport = new PeerTransport(settings);
        namespace.netNamespace().call(() -> {
            transport.start(listener);
            return null;
        });
        return transport;
    }
}
