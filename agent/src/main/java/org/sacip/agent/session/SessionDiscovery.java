package org.sacip.agent.session;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
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
 * Finds the live sessions of one address in the kernel: TCP sockets and connected UDP sockets from sock_diag
 * (filtered by address in the kernel, so the cost does not grow with unrelated sockets) and unconnected UDP flows
 * from conntrack. A TCP socket counts while it still exchanges packets (established or closing, not TIME_WAIT).
 * Not thread-safe.
 */
public final class SessionDiscovery implements AutoCloseable {
    private static final Set<TcpState> LIVE_TCP = EnumSet.of(TcpState.ESTABLISHED, TcpState.FIN_WAIT1,
            TcpState.FIN_WAIT2, TcpState.CLOSE_WAIT, TcpState.LAST_ACK, TcpState.CLOSING);
    private static final Set<TcpState> CONNECTED_UDP = EnumSet.of(TcpState.ESTABLISHED);
    private static final int IPPROTO_UDP = 17;

    private final Optional<NetNamespace> namespace;
    private final SockDiagClient sockets;
    private final ConntrackClient conntrack;

    private SessionDiscovery(Optional<NetNamespace> namespace, SockDiagClient sockets, ConntrackClient conntrack) {
        this.namespace = namespace;
        this.sockets = sockets;
        this.conntrack = conntrack;
    }

    /** Discovery in the caller's namespace, or in {@code namespace} when given. */
    public static SessionDiscovery open(Optional<NetNamespace> namespace) throws NetlinkException {
        SockDiagClient sockets = namespace.isPresent() ? SockDiagClient.open(namespace.get()) : SockDiagClient.open();
        try {
            ConntrackClient conntrack = namespace.isPresent() ? ConntrackClient.open(namespace.get())
                    : ConntrackClient.open();
            return new SessionDiscovery(namespace, sockets, conntrack);
        } catch (NetlinkException | RuntimeException e) {
            sockets.close();
            throw e;
        }
    }

    /** The sessions whose local address is {@code address} (what moves when that address leaves). */
    public SessionObservation withLocalAddress(InetAddress address) throws NetlinkException {
        return observe(address, SessionObservation.End.LOCAL, SocketFilter.localAddress(address));
    }

    /** The sessions whose remote address is {@code peer} (on the receiving side of a peer's move). */
    public SessionObservation withRemoteAddress(InetAddress peer) throws NetlinkException {
        return observe(peer, SessionObservation.End.REMOTE, SocketFilter.remoteAddress(peer));
    }

    /** The socket sessions (TCP, connected UDP) with a peer address; no conntrack dump (see {@link RecentUdpFlows}). */
    public List<Session> socketsWithRemoteAddress(InetAddress peer) throws NetlinkException {
        return observe(peer, SessionObservation.End.REMOTE, SocketFilter.remoteAddress(peer), false).sessions();
    }

    /** The socket sessions (TCP, connected UDP) of a local address; no conntrack dump (see {@link RecentUdpFlows}). */
    public List<Session> socketsWithLocalAddress(InetAddress address) throws NetlinkException {
        return observe(address, SessionObservation.End.LOCAL, SocketFilter.localAddress(address), false).sessions();
    }

    private SessionObservation observe(InetAddress address, SessionObservation.End end, SocketFilter filter)
            throws NetlinkException {
        return observe(address, end, filter, true);
    }

    private SessionObservation observe(InetAddress address, SessionObservation.End end, SocketFilter filter,
            boolean withFlows) throws NetlinkException {
        List<Session> sessions = new ArrayList<>();
        Set<SessionKey> connected = new HashSet<>();
        for (SocketInfo socket : sockets.dump(TransportProtocol.TCP, LIVE_TCP, Optional.of(filter))) {
            sessions.add(socketSession(socket));
        }
        for (SocketInfo socket : sockets.dump(TransportProtocol.UDP, CONNECTED_UDP, Optional.of(filter))) {
            Session session = socketSession(socket);
            sessions.add(session);
            connected.add(session.key());
        }
        Map<SessionKey, Duration> flowIdle = new HashMap<>();
        if (!withFlows) {
            return new SessionObservation(address, end, sessions, flowIdle);
        }
        UdpFlowTimeouts timeouts = timeouts();
        for (ConntrackFlow flow : conntrack.udpFlowsInvolving(address)) {
            Session session = flowSession(flow, address, end);
            // A connected UDP socket's own packets are tracked too; the socket already stands for them.
            if (!connected.contains(session.key())) {
                sessions.add(session);
                flowIdle.put(session.key(), timeouts.idle(flow));
            }
        }
        return new SessionObservation(address, end, sessions, flowIdle);
    }

    private static Session socketSession(SocketInfo socket) {
        return new Session(socket.protocol(), socket.local(), socket.remote(), SessionOrigin.SOCKET,
                socket.cookie());
    }

    /** Orients a flow so that {@code address} is on the requested end, whichever side sent first. */
    static Session flowSession(ConntrackFlow flow, InetAddress address, SessionObservation.End end) {
        FlowTuple original = flow.original();
        InetSocketAddress source = new InetSocketAddress(original.source(), original.sourcePort());
        InetSocketAddress destination = new InetSocketAddress(original.destination(), original.destinationPort());
        boolean sourceIsAddress = original.source().equals(address);
        boolean sourceIsLocal = end == SessionObservation.End.LOCAL ? sourceIsAddress : !sourceIsAddress;
        InetSocketAddress local = sourceIsLocal ? source : destination;
        InetSocketAddress remote = sourceIsLocal ? destination : source;
        if (original.protocol() != IPPROTO_UDP) {
            throw new IllegalArgumentException("not a UDP flow: protocol " + original.protocol());
        }
        return new Session(TransportProtocol.UDP, local, remote, SessionOrigin.CONNTRACK_FLOW, flow.id());
    }

    private UdpFlowTimeouts timeouts() throws NetlinkException {
        return namespace.isPresent() ? namespace.get().call(UdpFlowTimeouts::ofCurrentNamespace)
                : UdpFlowTimeouts.ofCurrentNamespace();
    }

    @Override
    public void close() {
        conntrack.close();
        sockets.close();
    }
}
