package org.sacip.netlink.nflog;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.sacip.netlink.NetNamespace;
import org.sacip.netlink.NetlinkConstants;
import org.sacip.netlink.NetlinkException;
import org.sacip.netlink.NetlinkFamily;
import org.sacip.netlink.NetlinkMessage;
import org.sacip.netlink.NetlinkMessageBuilder;
import org.sacip.netlink.NetlinkOverrunException;
import org.sacip.netlink.NetlinkSocket;

/**
 * Receives the packets that {@code log group N} rules (nft, or iptables' NFLOG) of one namespace send to user space,
 * over NETLINK_NETFILTER / NFNL_SUBSYS_ULOG. Opening binds the group (one socket per group and namespace: binding a
 * group that another socket holds fails with EPERM) and configures it for low latency: copy mode PACKET with the
 * configured range, queue threshold 1 and no flush timeout, so the kernel sends each packet the moment it is logged
 * instead of batching up to 100 packets or a second. Closing the socket unbinds the group (the kernel drops the
 * instance when the socket is released).
 *
 * <p>No per-family PF_BIND/PF_UNBIND is sent, unlike libnetfilter_log's example: those only choose the default
 * logger for {@code log} rules without a group, while a rule with a group addresses nfnetlink_log directly. Nor is
 * there a stale binding to clear first: the kernel destroys a group's instance when its socket is released, and
 * a live one held by another socket cannot be unbound from here (EPERM).
 *
 * <p>Call {@link #take} in a loop (it waits without a time limit; {@link #wakeup()}, from any thread, ends the wait
 * so the loop can stop) or {@link #poll}, which returns empty on timeout. When the receive buffer overflowed the
 * kernel dropped packets and the next call throws {@link NetlinkOverrunException} once; the client stays usable.
 * Not thread-safe (but for {@link #wakeup()}).
 */
public final class NflogClient implements AutoCloseable {
    private final NetlinkSocket socket;
    private final NflogConfig config;

    private NflogClient(NetlinkSocket socket, NflogConfig config) {
        this.socket = socket;
        this.config = config;
    }

    /** Binds the group in the caller's namespace. */
    public static NflogClient open(NflogConfig config) throws NetlinkException {
        return bind(NetlinkSocket.open(NetlinkFamily.NETFILTER), config);
    }

    /** Binds the group in {@code namespace}, without the caller leaving its own. */
    public static NflogClient open(NetNamespace namespace, NflogConfig config) throws NetlinkException {
        return bind(NetlinkSocket.open(NetlinkFamily.NETFILTER, namespace), config);
    }

    private static NflogClient bind(NetlinkSocket socket, NflogConfig config) throws NetlinkException {
        try {
            socket.setReceiveBufferSize(config.receiveBufferBytes());
            socket.execute(configuration(config, socket.nextSequence()));
        } catch (NetlinkException | RuntimeException e) {
            socket.close();
            throw e;
        }
        return new NflogClient(socket, config);
    }

    /** One NFULNL_MSG_CONFIG: bind the group, then its copy mode, queue threshold and flush timeout. */
    static ByteBuffer configuration(NflogConfig config, int sequence) {
        byte[] nfgenmsg = ByteBuffer.allocate(Nflog.NFGENMSG_LENGTH).order(ByteOrder.BIG_ENDIAN)
                .put((byte) Nflog.AF_UNSPEC).put((byte) 0).putShort((short) config.group()).array();
        // struct nfulnl_msg_config_mode (packed): be32 copy_range, u8 copy_mode, u8 pad.
        byte[] mode = ByteBuffer.allocate(6).order(ByteOrder.BIG_ENDIAN).putInt(config.copyRange())
                .put((byte) Nflog.NFULNL_COPY_PACKET).put((byte) 0).array();
        return new NetlinkMessageBuilder(Nflog.messageType(Nflog.NFULNL_MSG_CONFIG),
                NetlinkConstants.NLM_F_REQUEST | NetlinkConstants.NLM_F_ACK)
                .familyHeader(nfgenmsg)
                .putBytes(Nflog.NFULA_CFG_CMD, new byte[] {(byte) Nflog.NFULNL_CFG_CMD_BIND})
                .putBytes(Nflog.NFULA_CFG_MODE, mode)
                .putU32Be(Nflog.NFULA_CFG_QTHRESH, 1)
                .putU32Be(Nflog.NFULA_CFG_TIMEOUT, 0)
                .build(sequence);
    }

    public NflogConfig config() {
        return config;
    }

    /** The receive buffer the kernel granted (twice the requested size, for its bookkeeping). */
    public int receiveBufferSize() throws NetlinkException {
        return socket.receiveBufferSize();
    }

    /**
     * The packets logged since the last call, waiting up to {@code timeout} for the first; empty if none came.
     *
     * @throws NetlinkOverrunException if the kernel dropped packets because the receive buffer was full
     */
    public List<LoggedPacket> poll(Duration timeout) throws NetlinkException {
        return decode(socket.receive(timeout));
    }

    /**
     * The packets logged since the last call, waiting without a time limit for the first; empty only after
     * {@link #wakeup()} (or a signal).
     *
     * @throws NetlinkOverrunException if the kernel dropped packets because the receive buffer was full
     */
    public List<LoggedPacket> take() throws NetlinkException {
        return decode(socket.receive());
    }

    /** Ends the current or next wait of {@link #take} or {@link #poll} from any thread: it returns empty. */
    public void wakeup() {
        socket.wakeup();
    }

    private static List<LoggedPacket> decode(List<NetlinkMessage> messages) throws NetlinkException {
        List<LoggedPacket> packets = new ArrayList<>();
        for (NetlinkMessage message : messages) {
            if (message.type() == Nflog.messageType(Nflog.NFULNL_MSG_PACKET)) {
                packets.add(LoggedPacketParser.parse(message));
            }
            // NLMSG_DONE closes a batch of several packets; nothing else is sent to a bound socket.
        }
        return packets;
    }

    @Override
    public void close() {
        socket.close();
    }
}
