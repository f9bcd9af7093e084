package org.sacip.netlink.diag;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.sacip.netlink.Errno;
import org.sacip.netlink.NetNamespace;
import org.sacip.netlink.NetlinkConstants;
import org.sacip.netlink.NetlinkErrorException;
import org.sacip.netlink.NetlinkException;
import org.sacip.netlink.NetlinkFamily;
import org.sacip.netlink.NetlinkMessage;
import org.sacip.netlink.NetlinkMessageBuilder;
import org.sacip.netlink.NetlinkSocket;

/**
 * Socket dumps filtered in the kernel (state mask and bytecode), optionally with TCP details (tcp_info), exact
 * lookups of one TCP socket, and SOCK_DESTROY, over NETLINK_SOCK_DIAG. Not thread-safe.
 */
public final class SockDiagClient implements AutoCloseable {
    private final NetlinkSocket socket;

    private SockDiagClient(NetlinkSocket socket) {
        this.socket = socket;
    }

    public static SockDiagClient open() throws NetlinkException {
        return new SockDiagClient(NetlinkSocket.open(NetlinkFamily.SOCK_DIAG));
    }

    public static SockDiagClient open(NetNamespace namespace) throws NetlinkException {
        return new SockDiagClient(NetlinkSocket.open(NetlinkFamily.SOCK_DIAG, namespace));
    }

    /**
     * The sockets of one protocol and address family (4 or 6) in the given states that pass {@code filter}.
     * IPv6 sockets carrying IPv4 traffic appear in the IPv6 dump with v4-mapped addresses.
     */
    public List<SocketInfo> dump(TransportProtocol protocol, int ipVersion, Set<TcpState> states,
            Optional<SocketFilter> filter) throws NetlinkException {
        return dump(protocol, ipVersion, states, filter, Set.of());
    }

    /** As {@link #dump(TransportProtocol, int, Set, Optional)}, with the kernel adding {@code details}. */
    public List<SocketInfo> dump(TransportProtocol protocol, int ipVersion, Set<TcpState> states,
            Optional<SocketFilter> filter, Set<SocketDetail> details) throws NetlinkException {
        List<SocketInfo> sockets = new ArrayList<>();
        dump(protocol, ipVersion, states, filter, details, sockets::add);
        return sockets;
    }

    /** Takes the sockets of a dump one at a time. */
    @FunctionalInterface
    public interface SocketVisitor {
        void visit(SocketInfo socket) throws NetlinkException;
    }

    /**
     * As {@link #dump(TransportProtocol, int, Set, Optional, Set)}, handing each socket to {@code visitor} as its
     * message arrives: a dump of 100,000 sockets with their tcp_info is some 60 MB of objects when held whole. If the
     * table changed meanwhile this throws at the end ({@link NetlinkSocket#dump(ByteBuffer,
     * NetlinkSocket.DumpVisitor)}), after the visitor saw every socket.
     */
    public void dump(TransportProtocol protocol, int ipVersion, Set<TcpState> states, Optional<SocketFilter> filter,
            Set<SocketDetail> details, SocketVisitor visitor) throws NetlinkException {
        int family = familyOf(ipVersion);
        NetlinkMessageBuilder request = new NetlinkMessageBuilder(SockDiag.SOCK_DIAG_BY_FAMILY,
                NetlinkConstants.NLM_F_REQUEST | NetlinkConstants.NLM_F_DUMP)
                .familyHeader(request(family, protocol, SocketDetail.extensionBits(details), TcpState.mask(states),
                        null, null, 0, 0));
        filter.ifPresent(program -> request.putBytes(SockDiag.INET_DIAG_REQ_BYTECODE, program.bytecode()));
        socket.dump(request.build(socket.nextSequence()), message -> {
            if (message.type() == SockDiag.SOCK_DIAG_BY_FAMILY) {
                visitor.visit(SocketMessageParser.parse(message, protocol));
            }
        });
    }

    /** Both IPv4 and IPv6 sockets of a protocol. */
    public List<SocketInfo> dump(TransportProtocol protocol, Set<TcpState> states, Optional<SocketFilter> filter)
            throws NetlinkException {
        return dump(protocol, states, filter, Set.of());
    }

    /** Both IPv4 and IPv6 sockets of a protocol, with the kernel adding {@code details}. */
    public List<SocketInfo> dump(TransportProtocol protocol, Set<TcpState> states, Optional<SocketFilter> filter,
            Set<SocketDetail> details) throws NetlinkException {
        List<SocketInfo> sockets = new ArrayList<>();
        dump(protocol, states, filter, details, sockets::add);
        return sockets;
    }

    /** Both IPv4 and IPv6 sockets of a protocol, handed to {@code visitor} as they arrive, IPv4's first. */
    public void dump(TransportProtocol protocol, Set<TcpState> states, Optional<SocketFilter> filter,
            Set<SocketDetail> details, SocketVisitor visitor) throws NetlinkException {
        dump(protocol, 4, states, filter, details, visitor);
        dump(protocol, 6, states, filter, details, visitor);
    }

    /**
     * The TCP socket with exactly this local and remote endpoint (any state but LISTEN), without walking the
     * table; empty if there is none. A dual-stack IPv6 socket carrying IPv4 is found by its IPv4 tuple.
     */
    public Optional<SocketInfo> tcpSocket(InetSocketAddress local, InetSocketAddress remote,
            Set<SocketDetail> details) throws NetlinkException {
        boolean v4 = local.getAddress().getAddress().length == 4;
        if (v4 != (remote.getAddress().getAddress().length == 4)) {
            throw new IllegalArgumentException("local " + local + " and remote " + remote + " mix IPv4 and IPv6");
        }
        byte[] header = request(v4 ? SocketMessageParser.AF_INET : SocketMessageParser.AF_INET6,
                TransportProtocol.TCP, SocketDetail.extensionBits(details), -1, local, remote, 0, SockDiag.NO_COOKIE);
        try {
            for (NetlinkMessage message : socket.query(new NetlinkMessageBuilder(SockDiag.SOCK_DIAG_BY_FAMILY,
                    NetlinkConstants.NLM_F_REQUEST | NetlinkConstants.NLM_F_ACK).familyHeader(header)
                    .build(socket.nextSequence()))) {
                if (message.type() == SockDiag.SOCK_DIAG_BY_FAMILY) {
                    SocketInfo found = SocketMessageParser.parse(message, TransportProtocol.TCP);
                    // Without an established match the kernel's lookup falls back to a listener on the port.
                    return found.local().equals(local) && found.remote().equals(remote) ? Optional.of(found)
                            : Optional.empty();
                }
            }
            return Optional.empty();
        } catch (NetlinkErrorException e) {
            if (e.errno() == Errno.ENOENT) {
                return Optional.empty();
            }
            throw e;
        }
    }

    /**
     * Closes a socket from outside its process, as {@code ss -K} does: a TCP peer gets a reset, the owner's
     * next call fails with ECONNABORTED. The socket is named by its tuple and cookie from a dump.
     *
     * @throws org.sacip.netlink.NetlinkErrorException ENOENT if it is already gone
     */
    public void destroy(SocketInfo target) throws NetlinkException {
        socket.execute(new NetlinkMessageBuilder(SockDiag.SOCK_DESTROY,
                NetlinkConstants.NLM_F_REQUEST | NetlinkConstants.NLM_F_ACK)
                .familyHeader(request(target.family(), target.protocol(), 0, -1, target.local(), target.remote(),
                        target.boundInterface(), target.cookie()))
                .build(socket.nextSequence()));
    }

    private static int familyOf(int ipVersion) {
        if (ipVersion == 4) {
            return SocketMessageParser.AF_INET;
        }
        if (ipVersion == 6) {
            return SocketMessageParser.AF_INET6;
        }
        throw new IllegalArgumentException("IP version " + ipVersion);
    }

    /** struct inet_diag_req_v2, with the socket id filled in for exact requests ({@code local} not null). */
    static byte[] request(int family, TransportProtocol protocol, int extensions, int states,
            InetSocketAddress local, InetSocketAddress remote, int boundInterface, long cookie) {
        ByteBuffer buffer = ByteBuffer.allocate(SockDiag.INET_DIAG_REQ_V2_LENGTH).order(ByteOrder.nativeOrder());
        buffer.put((byte) family).put((byte) protocol.number()).put((byte) extensions).put((byte) 0).putInt(states);
        if (local != null) {
            buffer.order(ByteOrder.BIG_ENDIAN)
                    .putShort((short) local.getPort())
                    .putShort((short) remote.getPort());
            buffer.order(ByteOrder.nativeOrder());
            putAddress(buffer, family, local.getAddress());
            putAddress(buffer, family, remote.getAddress());
            buffer.putInt(boundInterface);
            buffer.putInt((int) cookie).putInt((int) (cookie >>> 32));
        }
        return buffer.array();
    }

    private static void putAddress(ByteBuffer buffer, int family, InetAddress address) {
        byte[] raw = address.getAddress();
        if (family == SocketMessageParser.AF_INET6 && raw.length == 4) {
            // Java shows a v4-mapped address of a dual-stack socket as IPv4; the kernel keys it as ::ffff:a.b.c.d.
            buffer.put(new byte[10]).put((byte) 0xff).put((byte) 0xff).put(raw);
            return;
        }
        buffer.put(raw);
        buffer.put(new byte[16 - raw.length]);
    }

    @Override
    public void close() {
        socket.close();
    }
}
