package org.sacip.agent.session;

import java.net.InetSocketAddress;
import org.sacip.netlink.diag.SocketInfo;
import org.sacip.netlink.diag.TransportProtocol;

/** A session's identity: protocol and its original local and remote endpoints, which never change. */
public record SessionKey(TransportProtocol protocol, InetSocketAddress local, InetSocketAddress remote) {

    /** The key of a socket from a dump or a destroy notification. */
    public static SessionKey of(SocketInfo socket) {
        return new SessionKey(socket.protocol(), socket.local(), socket.remote());
    }
}
