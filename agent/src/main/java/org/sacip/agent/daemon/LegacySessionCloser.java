package org.sacip.agent.daemon;

import java.net.InetAddress;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;
import org.sacip.agent.session.Endpoint;
import org.sacip.agent.session.SessionProtocol;
import org.sacip.agent.session.SessionTuple;
import org.sacip.agent.handover.Handover;
import org.sacip.netlink.NetlinkException;
import org.sacip.netlink.diag.SockDiagClient;
import org.sacip.netlink.diag.SocketFilter;
import org.sacip.netlink.diag.SocketInfo;
import org.sacip.netlink.diag.TcpState;
import org.sacip.netlink.diag.TransportProtocol;

/**
 * Closes sessions with peers that have no agent (the option close-legacy-sessions), as {@code ss -K} would, so
 * their applications reconnect from the new address at once instead of waiting for a timeout.
 */
final class LegacySessionCloser implements Handover.SocketCloser, AutoCloseable {
    private final SockDiagClient sockets;

    private LegacySessionCloser(SockDiagClient sockets) {
        this.sockets = sockets;
    }

    static LegacySessionCloser open() throws NetlinkException {
        return new LegacySessionCloser(SockDiagClient.open());
    }

    @Override
    public synchronized int destroy(InetAddress localAddress, Set<SessionTuple> sessions) throws NetlinkException {
        int closed = 0;
        for (TransportProtocol protocol : TransportProtocol.values()) {
            for (SocketInfo socket : sockets.dump(protocol, EnumSet.allOf(TcpState.class),
                    Optional.of(SocketFilter.localAddress(localAddress)))) {
                if (socket.remote().getPort() == 0) {
                    continue;
                }
                SessionTuple tuple = new SessionTuple(protocol == TransportProtocol.TCP ? SessionProtocol.TCP
                        : SessionProtocol.UDP, new Endpoint(socket.local().getAddress(), socket.local().getPort()),
                        new Endpoint(socket.remote().getAddress(), socket.remote().getPort()));
                if (sessions.contains(tuple)) {
                    sockets.destroy(socket);
                    closed++;
                }
            }
        }
        return closed;
    }

    @Override
    public void close() {
        sockets.close();
    }
}
