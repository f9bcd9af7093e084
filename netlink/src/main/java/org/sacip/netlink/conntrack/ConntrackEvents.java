package org.sacip.netlink.conntrack;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.sacip.netlink.NetNamespace;
import org.sacip.netlink.NetlinkException;
import org.sacip.netlink.NetlinkFamily;
import org.sacip.netlink.NetlinkMessage;
import org.sacip.netlink.NetlinkOverrunException;
import org.sacip.netlink.NetlinkSocket;

/**
 * A subscription to conntrack notifications of one namespace (NFNLGRP_CONNTRACK_NEW, _UPDATE, _DESTROY, as the
 * caller chooses), decoded into typed events. The kernel reports a flow once it is confirmed (its first packet left
 * the stack), then each change of TCP state, status bits or mark, then its removal (with the counters when
 * accounting is on). Call {@link #take} in a loop (it waits without a time limit; {@link #wakeup()} ends the wait so
 * the loop can stop) or {@link #poll}, which returns empty on timeout. On
 * {@link NetlinkOverrunException} events were lost: dump the flows again. Not thread-safe.
 */
public final class ConntrackEvents implements AutoCloseable {
    /** Room for tens of thousands of events between two reads. */
    public static final int DEFAULT_RECEIVE_BUFFER = 8 << 20;

    private final NetlinkSocket socket;

    private ConntrackEvents(NetlinkSocket socket) {
        this.socket = socket;
    }

    /** Subscribes in the caller's namespace. */
    public static ConntrackEvents open(Set<ConntrackEvent.Kind> kinds) throws NetlinkException {
        return subscribe(NetlinkSocket.open(NetlinkFamily.NETFILTER), kinds, DEFAULT_RECEIVE_BUFFER);
    }

    public static ConntrackEvents open(NetNamespace namespace, Set<ConntrackEvent.Kind> kinds)
            throws NetlinkException {
        return open(namespace, kinds, DEFAULT_RECEIVE_BUFFER);
    }

    /** With a receive buffer of the given size (SO_RCVBUFFORCE, else SO_RCVBUF up to rmem_max). */
    public static ConntrackEvents open(NetNamespace namespace, Set<ConntrackEvent.Kind> kinds,
            int receiveBufferBytes) throws NetlinkException {
        return subscribe(NetlinkSocket.open(NetlinkFamily.NETFILTER, namespace), kinds, receiveBufferBytes);
    }

    private static ConntrackEvents subscribe(NetlinkSocket socket, Set<ConntrackEvent.Kind> kinds,
            int receiveBufferBytes) throws NetlinkException {
        try {
            if (kinds.isEmpty()) {
                throw new IllegalArgumentException("subscribe to at least one kind of conntrack event");
            }
            socket.setReceiveBufferSize(receiveBufferBytes);
            for (ConntrackEvent.Kind kind : kinds) {
                socket.joinGroup(kind.group());
            }
        } catch (NetlinkException | RuntimeException e) {
            socket.close();
            throw e;
        }
        return new ConntrackEvents(socket);
    }

    /** The receive buffer the kernel granted (twice the requested size, for its bookkeeping). */
    public int receiveBufferSize() throws NetlinkException {
        return socket.receiveBufferSize();
    }

    /**
     * The events since the last call, waiting up to {@code timeout} for the first; empty if none came.
     *
     * @throws NetlinkOverrunException if the kernel dropped events because the receive buffer was full
     */
    public List<ConntrackEvent> poll(Duration timeout) throws NetlinkException {
        return decode(socket.receive(timeout));
    }

    /**
     * The events since the last call, waiting without a time limit for the first; empty only after {@link #wakeup()}
     * (or a signal).
     *
     * @throws NetlinkOverrunException if the kernel dropped events because the receive buffer was full
     */
    public List<ConntrackEvent> take() throws NetlinkException {
        return decode(socket.receive());
    }

    /** Ends the current or next wait of {@link #take} or {@link #poll} from any thread: it returns empty. */
    public void wakeup() {
        socket.wakeup();
    }

    private static List<ConntrackEvent> decode(List<NetlinkMessage> messages) throws NetlinkException {
        List<ConntrackEvent> events = new ArrayList<>();
        for (NetlinkMessage message : messages) {
            if (message.type() == Ctnl.messageType(Ctnl.IPCTNL_MSG_CT_NEW)
                    || message.type() == Ctnl.messageType(Ctnl.IPCTNL_MSG_CT_DELETE)) {
                events.add(ConntrackEntryParser.event(message));
            }
            // Expectation events have their own groups, which this socket does not join.
        }
        return events;
    }

    @Override
    public void close() {
        socket.close();
    }
}
