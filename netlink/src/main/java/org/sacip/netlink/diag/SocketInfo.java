package org.sacip.netlink.diag;

import java.net.InetSocketAddress;
import java.util.Optional;

/**
 * One socket from a sock_diag dump: protocol, local and remote endpoints (the 5-tuple), state, owner uid,
 * inode (0 once the file is closed, e.g. TIME_WAIT), bound interface (0 if none) and the kernel's cookie, which
 * together with the tuple names the socket for {@code SOCK_DESTROY}; {@code tcpInfo} when the dump asked for
 * {@link SocketDetail#TCP_INFO} and the kernel had it; {@code receivesErrors} whether the socket set IP_RECVERR, so
 * that ICMP errors reach its owner as socket errors (INET_DIAG_SOCKOPT, Linux 5.10; empty when the kernel did not say).
 */
public record SocketInfo(TransportProtocol protocol, int family, InetSocketAddress local, InetSocketAddress remote,
        TcpState state, long uid, long inode, int boundInterface, long cookie, Optional<TcpInfo> tcpInfo,
        Optional<Boolean> receivesErrors) {

    /** A socket without details. */
    public SocketInfo(TransportProtocol protocol, int family, InetSocketAddress local, InetSocketAddress remote,
            TcpState state, long uid, long inode, int boundInterface, long cookie) {
        this(protocol, family, local, remote, state, uid, inode, boundInterface, cookie, Optional.empty(),
                Optional.empty());
    }
}
