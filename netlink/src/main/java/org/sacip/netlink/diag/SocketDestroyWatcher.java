package org.sacip.netlink.diag;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.sacip.netlink.NetNamespace;
import org.sacip.netlink.NetlinkException;
import org.sacip.netlink.NetlinkFamily;
import org.sacip.netlink.NetlinkMessage;
import org.sacip.netlink.NetlinkSocket;

/**
 * The kernel's notifications of destroyed TCP and UDP sockets (SKNLGRP_INET*_DESTROY; needs CAP_NET_ADMIN).
 * A socket is reported when the kernel frees it, which for TCP is after it left the connection (FIN or RST),
 * not when the owner merely calls close. On overrun the caller should re-dump.
 */
public final class SocketDestroyWatcher implements AutoCloseable {
    private static final int RECEIVE_BUFFER = 4 << 20;

    private final NetlinkSocket socket;

    private SocketDestroyWatcher(NetlinkSocket socket) throws NetlinkException {
        this.socket = socket;
        try {
            socket.setReceiveBufferSize(RECEIVE_BUFFER);
            socket.joinGroup(SockDiag.SKNLGRP_INET_TCP_DESTROY);
            socket.joinGroup(SockDiag.SKNLGRP_INET_UDP_DESTROY);
            socket.joinGroup(SockDiag.SKNLGRP_INET6_TCP_DESTROY);
            socket.joinGroup(SockDiag.SKNLGRP_INET6_UDP_DESTROY);
        } catch (NetlinkException | RuntimeException e) {
            socket.close();
            throw e;
        }
    }

    public static SocketDestroyWatcher open() throws NetlinkException {
        return new SocketDestroyWatcher(NetlinkSocket.open(NetlinkFamily.SOCK_DIAG));
    }

    public static SocketDestroyWatcher open(NetNamespace namespace) throws NetlinkException {
        return new SocketDestroyWatcher(NetlinkSocket.open(NetlinkFamily.SOCK_DIAG, namespace));
    }

    /** Sockets destroyed since the last call, waiting up to {@code timeout}; empty if none. */
    public List<SocketInfo> poll(Duration timeout) throws NetlinkException {
        return decode(socket.receive(timeout));
    }

    /** Sockets destroyed since the last call, waiting without a time limit; empty only after {@link #wakeup()}. */
    public List<SocketInfo> take() throws NetlinkException {
        return decode(socket.receive());
    }

    /** Ends the current or next wait of {@link #take} or {@link #poll} from any thread: it returns empty. */
    public void wakeup() {
        socket.wakeup();
    }

    private static List<SocketInfo> decode(List<NetlinkMessage> messages) throws NetlinkException {
        List<SocketInfo> destroyed = new ArrayList<>();
        for (NetlinkMessage message : messages) {
            if (message.type() == SockDiag.SOCK_DIAG_BY_FAMILY) {
                destroyed.add(SocketMessageParser.parse(message, null));
            }
        }
        return destroyed;
    }

    @Override
    public void close() {
        socket.close();
    }
}
