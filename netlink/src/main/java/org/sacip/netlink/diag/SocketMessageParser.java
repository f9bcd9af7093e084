package org.sacip.netlink.diag;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.Optional;
import org.sacip.netlink.AttributeDecoder;
import org.sacip.netlink.NetlinkMessage;
import org.sacip.netlink.NetlinkParseException;

/** Decodes SOCK_DIAG_BY_FAMILY answers and destroy notifications (struct inet_diag_msg, INET_DIAG_INFO). */
public final class SocketMessageParser {
    static final int INET_DIAG_MSG_LENGTH = 72;
    static final int AF_INET = 2;
    static final int AF_INET6 = 10;
    /** recverr, the first bit field of struct inet_diag_sockopt. */
    private static final int RECVERR_BIT = 1;
    private static final int SOCKOPT_LENGTH = 2;

    private SocketMessageParser() {
    }

    /**
     * @param protocol the protocol of the dump; a destroy notification names it in INET_DIAG_PROTOCOL, which is
     *     read when {@code protocol} is null
     */
    public static SocketInfo parse(NetlinkMessage message, TransportProtocol protocol) throws NetlinkParseException {
        ByteBuffer payload = message.payloadView();
        if (payload.remaining() < INET_DIAG_MSG_LENGTH) {
            throw new NetlinkParseException(NetlinkParseException.Reason.TRUNCATED_PAYLOAD,
                    "inet_diag_msg needs 72 bytes, message has " + payload.remaining());
        }
        int family = Byte.toUnsignedInt(payload.get(0));
        int stateCode = Byte.toUnsignedInt(payload.get(1));
        if (family != AF_INET && family != AF_INET6) {
            throw new NetlinkParseException(NetlinkParseException.Reason.BAD_ATTRIBUTE_VALUE,
                    "socket family " + family);
        }
        TcpState state;
        try {
            state = TcpState.of(stateCode);
        } catch (IllegalArgumentException e) {
            throw new NetlinkParseException(NetlinkParseException.Reason.BAD_ATTRIBUTE_VALUE, e.getMessage());
        }
        Attributes attributes = attributes(payload);
        TransportProtocol transport = protocol != null ? protocol : attributes.protocol();
        if (transport == null) {
            throw new NetlinkParseException(NetlinkParseException.Reason.MISSING_ATTRIBUTE,
                    "socket message without a TCP/UDP INET_DIAG_PROTOCOL (" + attributes.protocolNumber() + ")");
        }
        ByteBuffer bigEndian = payload.duplicate().order(ByteOrder.BIG_ENDIAN);
        int localPort = Short.toUnsignedInt(bigEndian.getShort(4));
        int remotePort = Short.toUnsignedInt(bigEndian.getShort(6));
        int addressLength = family == AF_INET ? 4 : 16;
        InetAddress local = address(payload, 8, addressLength);
        InetAddress remote = address(payload, 24, addressLength);
        int boundInterface = payload.getInt(40);
        long cookie = Integer.toUnsignedLong(payload.getInt(44)) | ((long) payload.getInt(48) << 32);
        long uid = Integer.toUnsignedLong(payload.getInt(64));
        long inode = Integer.toUnsignedLong(payload.getInt(68));
        Optional<TcpInfo> tcpInfo = transport == TransportProtocol.TCP && attributes.info() != null
                ? Optional.of(TcpInfoParser.parse(attributes.info())) : Optional.empty();
        return new SocketInfo(transport, family, new InetSocketAddress(local, localPort),
                new InetSocketAddress(remote, remotePort), state, uid, inode, boundInterface, cookie, tcpInfo,
                attributes.receivesErrors());
    }

    /**
     * The attributes read after inet_diag_msg: the protocol (destroy notifications), INET_DIAG_INFO and, from
     * INET_DIAG_SOCKOPT (struct inet_diag_sockopt, bit fields from the lowest bit up), IP_RECVERR.
     */
    private record Attributes(Integer protocolNumber, ByteBuffer info, Optional<Boolean> receivesErrors) {
        TransportProtocol protocol() {
            return protocolNumber == null ? null : TransportProtocol.of(protocolNumber);
        }
    }

    private static Attributes attributes(ByteBuffer payload) throws NetlinkParseException {
        AttributeDecoder attributes = new AttributeDecoder(payload.duplicate().position(INET_DIAG_MSG_LENGTH));
        Integer number = null;
        ByteBuffer info = null;
        Optional<Boolean> receivesErrors = Optional.empty();
        while (attributes.next()) {
            switch (attributes.type()) {
                case SockDiag.INET_DIAG_PROTOCOL -> number = attributes.u8();
                case SockDiag.INET_DIAG_INFO -> info = attributes.bytes();
                case SockDiag.INET_DIAG_SOCKOPT -> receivesErrors =
                        Optional.of((attributes.byteArray(SOCKOPT_LENGTH)[0] & RECVERR_BIT) != 0);
                default -> {
                    // Shutdown, TOS, class, mark, cgroup: not read.
                }
            }
        }
        attributes.throwIfError();
        return new Attributes(number, info, receivesErrors);
    }

    private static InetAddress address(ByteBuffer payload, int offset, int length) {
        byte[] raw = new byte[length];
        payload.get(offset, raw);
        try {
            return InetAddress.getByAddress(Arrays.copyOf(raw, length));
        } catch (UnknownHostException e) {
            throw new IllegalStateException("address of " + length + " bytes", e);
        }
    }
}
