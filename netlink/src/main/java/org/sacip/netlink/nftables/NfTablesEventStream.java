package org.sacip.netlink.nftables;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.sacip.netlink.NetNamespace;
import org.sacip.netlink.NetlinkException;
import org.sacip.netlink.NetlinkFamily;
import org.sacip.netlink.NetlinkMessage;
import org.sacip.netlink.NetlinkSocket;

/**
 * The nf_tables change notifications of one network namespace, as typed events: the agent learns that its table
 * was deleted or flushed ({@code nft flush ruleset}, a firewall reload) and that others changed its elements.
 * Events of every process arrive, including those of the agent's own transactions.
 */
public final class NfTablesEventStream implements AutoCloseable {
    /** Room for the burst a large transaction announces (every element of a flushed map is one message). */
    private static final int RECEIVE_BUFFER_BYTES = 8 << 20;

    private final NetlinkSocket socket;

    private NfTablesEventStream(NetlinkSocket socket) throws NetlinkException {
        this.socket = socket;
        try {
            socket.setReceiveBufferSize(RECEIVE_BUFFER_BYTES);
            socket.joinGroup(NfTablesConstants.NFNLGRP_NFTABLES);
        } catch (NetlinkException e) {
            socket.close();
            throw e;
        }
    }

    public static NfTablesEventStream open() throws NetlinkException {
        return new NfTablesEventStream(NetlinkSocket.open(NetlinkFamily.NETFILTER));
    }

    public static NfTablesEventStream open(NetNamespace namespace) throws NetlinkException {
        return new NfTablesEventStream(NetlinkSocket.open(NetlinkFamily.NETFILTER, namespace));
    }

    /**
     * Waits up to {@code timeout} for the next notifications; empty if none came.
     *
     * @throws org.sacip.netlink.NetlinkOverrunException if the kernel dropped events: dump the state again
     */
    public List<NfTablesEvent> poll(Duration timeout) throws NetlinkException {
        return decode(socket.receive(timeout));
    }

    /**
     * Waits without a time limit for the next notifications; empty only after {@link #wakeup()} (or a signal).
     *
     * @throws org.sacip.netlink.NetlinkOverrunException if the kernel dropped events: dump the state again
     */
    public List<NfTablesEvent> take() throws NetlinkException {
        return decode(socket.receive());
    }

    /** Ends the current or next wait of {@link #take} or {@link #poll} from any thread: it returns empty. */
    public void wakeup() {
        socket.wakeup();
    }

    private static List<NfTablesEvent> decode(List<NetlinkMessage> messages) throws NetlinkException {
        List<NfTablesEvent> events = new ArrayList<>();
        for (NetlinkMessage message : messages) {
            Optional<NfTablesEvent> event = NfTablesEventParser.parse(message);
            event.ifPresent(events::add);
        }
        return events;
    }

    /**
     * Stops receiving the notifications of transactions sent over the socket with port id {@code portId} (see
     * {@link NfTablesConnection#portId()}): the kernel drops them before they take buffer space.
     */
    public void ignoreTransactionsOf(int portId) throws NetlinkException {
        socket.ignoreNotificationsCausedBy(portId);
    }

    /** Discards every notification queued now (after an overrun; see {@link NetlinkSocket#drain()}). */
    public int drain() throws NetlinkException {
        return socket.drain();
    }

    @Override
    public void close() {
        socket.close();
    }
}
