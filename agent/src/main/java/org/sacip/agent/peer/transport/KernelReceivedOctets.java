package org.sacip.agent.peer.transport;

import java.net.InetAddress;
import java.util.List;
import java.util.Optional;
import java.net.InetSocketAddress;
import java.util.Set;
import org.sacip.agent.session.SessionProtocol;
import org.sacip.agent.session.SessionTuple;
import org.sacip.netlink.diag.SockDiagClient;
import org.sacip.netlink.diag.SocketDetail;
import org.sacip.netlink.diag.SocketInfo;
import org.sacip.netlink.diag.TcpInfo;
import org.sacip.netlink.NetlinkException;
import org.sacip.netlink.conntrack.ConntrackClient;
import org.sacip.netlink.conntrack.ConntrackEntry;
import org.sacip.netlink.conntrack.FlowCounters;
import org.sacip.netlink.conntrack.FlowTuple;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a peer sent us in our sessions with it, by the kernel's counters: conntrack's byte counters of the direction
 * towards us (the agent turns accounting on, so every flow that began after it started is counted), and for a TCP
 * connection also the socket's own count (tcp_info: payload octets received plus a minimal header per segment), which
 * covers connections older than the agent. The larger of the two counts. A UDP flow from before the agent counts
 * nothing, the safe side. Sender thread only.
 */
public final class KernelReceivedOctets implements ReceivedOctets, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(KernelReceivedOctets.class);

    private final ConntrackClient conntrack;
    private final SockDiagClient sockets;

    private KernelReceivedOctets(ConntrackClient conntrack, SockDiagClient sockets) {
        this.conntrack = conntrack;
        this.sockets = sockets;
    }

    public static KernelReceivedOctets open() throws NetlinkException {
        ConntrackClient conntrack = ConntrackClient.open();
        try {
            return new KernelReceivedOctets(conntrack, SockDiagClient.open());
        } catch (NetlinkException | RuntimeException e) {
            conntrack.close();
            throw e;
        }
    }

    /** In another namespace (tests). */
    public static KernelReceivedOctets open(org.sacip.netlink.NetNamespace namespace) throws NetlinkException {
        ConntrackClient conntrack = ConntrackClient.open(namespace);
        try {
            return new KernelReceivedOctets(conntrack, SockDiagClient.open(namespace));
        } catch (NetlinkException | RuntimeException e) {
            conntrack.close();
            throw e;
        }
    }

    @Override
    public long from(InetAddress peer, List<SessionTuple> sessions) {
        long octets = 0;
        for (SessionTuple session : sessions) {
            octets += Math.max(conntrackOctets(session), socketOctets(session));
        }
        return octets;
    }

    private long socketOctets(SessionTuple session) {
        if (session.protocol() != SessionProtocol.TCP) {
            return 0;
        }
        try {
            Optional<SocketInfo> socket = sockets.tcpSocket(
                    new InetSocketAddress(session.local().address(), session.local().port()),
                    new InetSocketAddress(session.remote().address(), session.remote().port()),
                    Set.of(SocketDetail.TCP_INFO));
            Optional<TcpInfo> info = socket.flatMap(SocketInfo::tcpInfo);
            if (info.isEmpty() || info.get().bytesReceived().isEmpty() || info.get().segsIn().isEmpty()) {
                return 0;
            }
            int header = session.isIpv4() ? 40 : 60;
            return info.get().bytesReceived().getAsLong() + info.get().segsIn().getAsLong() * header;
        } catch (NetlinkException e) {
            LOG.debug("no socket counters for {}: {}", session, e.getMessage());
            return 0;
        }
    }

    private long conntrackOctets(SessionTuple session) {
        FlowTuple outbound = new FlowTuple(session.local().address(), session.remote().address(),
                session.protocol().number(), session.local().port(), session.remote().port());
        try {
            Optional<ConntrackEntry> entry = conntrack.get(outbound);
            if (entry.isEmpty()) {
                return 0;
            }
            // Towards us is the reply direction when we sent first, the original one when the peer did.
            boolean weOpened = entry.get().original().source().equals(session.local().address());
            Optional<FlowCounters> towardsUs = weOpened ? entry.get().replyCounters()
                    : entry.get().originalCounters();
            return towardsUs.map(FlowCounters::bytes).orElse(0L);
        } catch (NetlinkException e) {
            LOG.debug("no counters for {}: {}", session, e.getMessage());
            return 0;
        }
    }

    @Override
    public void close() {
        conntrack.close();
        sockets.close();
    }
}
