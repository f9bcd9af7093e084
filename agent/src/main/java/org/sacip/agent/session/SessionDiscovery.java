package org.sacip.agent.session;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.sacip.netlink.NetNamespace;
import org.sacip.netlink.NetlinkException;
import org.sacip.netlink.conntrack.ConntrackClient;
import org.sacip.netlink.conntrack.ConntrackFlow;
import org.sacip.netlink.conntrack.FlowTuple;
import org.sacip.netlink.diag.SockDiagClient;
import org.sacip.netlink.diag.SocketFilter;
import org.sacip.netlink.diag.SocketInfo;
import org.sacip.netlink.diag.TcpState;
import org.sacip.netlink.diag.TransportProtocol;

/**
 * Lists the live sessions of one address in the kernel on demand: TCP sockets and connected UDP sockets from
 * sock_diag (filtered by address in the kernel) and unconnected UDP flows from conntrack. A TCP socket counts while it
 * still exchanges packets (established or closing, not TIME_WAIT). The agent follows sessions by events
 * ({@link SessionTracker}); this is for one-off questions (tests, tools). Not thread-safe.
 */
public final class SessionDiscovery implements AutoCloseable {
    private static final Set<TcpState> LIVE_TCP = EnumSet.of(TcpState.ESTABLISHED, TcpState.FIN_WAIT1,
            TcpState.FIN_WAIT2, TcpState.CLOSE_WAIT, TcpState.LAST_ACK, TcpState.CLOSING);
    private static final Set<TcpState> CONNECTED_UDP = EnumSet.of(TcpState.ESTABLISHED);
    private static final int IPPROTO_UDP = 17;

    private final SockDiagClient sockets;
    private final ConntrackClient conntrack;

    private SessionDiscovery(SockDiagClient sockets, ConntrackClient conntrack) {
        this.sockets = sockets;
        this.conntrack = conntrack;
    }

    /** Discovery in the caller's namespace, or in {@code namespace} when given. */
    public static SessionDiscovery open(Optional<NetNamespace> namespace) throws NetlinkException {
        SockDiagClient sockets = namespace.isPresent() ? SockDiagClient.open(namespace.get()) : SockDiagClient.open();
        try {
            ConntrackClient conntrack = namespace.isPresent() ? ConntrackClient.open(namespace.get())
                    : ConntrackClient.open();
            return new SessionDiscovery(sockets, conntrack);
        } catch (NetlinkException | RuntimeException e) {
            sockets.close();
            throw e;
        }
    }

    /** The sessions whose local address is {@code address}: sockets and unconnected UDP flows. */
    public List<Session> withLocalAddress(InetAddress address) throws NetlinkException {
        List<Session> sessions = new ArrayList<>(socketsWithLocalAddress(address));
        Set<SessionTuple> connected = new HashSet<>();
        sessions.forEach(s -> connected.add(s.tuple()));
        for (ConntrackFlow flow : conntrack.udpFlowsInvolving(address)) {
            Session session = flowSession(flow, address);
            // A connected UDP socket's own packets are tracked too; the socket already stands for them.
            if (!connected.contains(session.tuple())) {
                sessions.add(session);
            }
        }
        return sessions;
    }

    /** The socket sessions (TCP, connected UDP) of a local address; no conntrack dump. */
    public List<Session> socketsWithLocalAddress(InetAddress address) throws NetlinkException {
        List<Session> sessions = new ArrayList<>();
        SocketFilter filter = SocketFilter.localAddress(address);
        for (SocketInfo socket : sockets.dump(TransportProtocol.TCP, LIVE_TCP, Optional.of(filter))) {
            sessions.add(socketSession(socket, SessionProtocol.TCP));
        }
        for (SocketInfo socket : sockets.dump(TransportProtocol.UDP, CONNECTED_UDP, Optional.of(filter))) {
            sessions.add(socketSession(socket, SessionProtocol.UDP));
        }
        return sessions;
    }

    private static Session socketSession(SocketInfo socket, SessionProtocol protocol) {
        return new Session(tuple(protocol, socket.local(), socket.remote()), SessionOrigin.SOCKET, socket.cookie());
    }

    /** Orients a flow so that {@code address} is the local end, whichever side sent first. */
    static Session flowSession(ConntrackFlow flow, InetAddress address) {
        FlowTuple original = flow.original();
        if (original.protocol() != IPPROTO_UDP) {
            throw new IllegalArgumentException("not a UDP flow: protocol " + original.protocol());
        }
        InetSocketAddress source = new InetSocketAddress(original.source(), original.sourcePort());
        InetSocketAddress destination = new InetSocketAddress(original.destination(), original.destinationPort());
        boolean sourceIsLocal = original.source().equals(address);
        return new Session(tuple(SessionProtocol.UDP, sourceIsLocal ? source : destination,
                sourceIsLocal ? destination : source), SessionOrigin.CONNTRACK_FLOW, flow.id());
    }

    private static SessionTuple tuple(SessionProtocol protocol, InetSocketAddress local, InetSocketAddress remote) {
        return new SessionTuple(protocol, new Endpoint(local.getAddress(), local.getPort()),
                new Endpoint(remote.getAddress(), remote.getPort()));
    }

    @Override
    public void close() {
        conntrack.close();
        sockets.close();
    }
}
