package org.sacip.agent.daemon;

import java.net.InetAddress;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;
import org.sacip.agent.datapath.SessionTuple;
import org.sacip.agent.handover.Handover;
import org.sacip.agent.handover.SessionTuples;
import org.sacip.agent.session.Session;
import org.sacip.agent.session.SessionOrigin;
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
                Session session = new Session(socket.protocol(), socket.local(), socket.remote(), SessionOrigin.SOCKET,
                        socket.cookie());
                if (socket.remote().getPort() != 0 && sessions.contains(SessionTuples.of(session))) {
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
