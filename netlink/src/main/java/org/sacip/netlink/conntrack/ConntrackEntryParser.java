package org.sacip.netlink.conntrack;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.util.Optional;
import java.util.OptionalLong;
import org.sacip.netlink.AttributeDecoder;
import org.sacip.netlink.NetlinkConstants;
import org.sacip.netlink.NetlinkMessage;
import org.sacip.netlink.NetlinkParseException;

/**
 * Decodes ctnetlink entries (IPCTNL_MSG_CT_NEW of dumps, lookups and new/update events, IPCTNL_MSG_CT_DELETE of
 * destroy events): nfgenmsg, then network-order CTA_* attributes. Both tuples, the id and the status are required;
 * every length is checked and the first problem is reported.
 */
public final class ConntrackEntryParser {
    private ConntrackEntryParser() {
    }

    /** The notification a subscribed socket received. */
    public static ConntrackEvent event(NetlinkMessage message) throws NetlinkParseException {
        ConntrackEntry entry = parse(message);
        if (message.type() == Ctnl.messageType(Ctnl.IPCTNL_MSG_CT_DELETE)) {
            return new ConntrackEvent(ConntrackEvent.Kind.DESTROY, entry);
        }
        // The kernel marks the first report of a flow like a creation request.
        return new ConntrackEvent(message.hasFlag(NetlinkConstants.NLM_F_CREATE) ? ConntrackEvent.Kind.NEW
                : ConntrackEvent.Kind.UPDATE, entry);
    }

    public static ConntrackEntry parse(NetlinkMessage message) throws NetlinkParseException {
        if (message.type() != Ctnl.messageType(Ctnl.IPCTNL_MSG_CT_NEW)
                && message.type() != Ctnl.messageType(Ctnl.IPCTNL_MSG_CT_DELETE)) {
            throw new NetlinkParseException(NetlinkParseException.Reason.UNEXPECTED_MESSAGE,
                    "message type 0x" + Integer.toHexString(message.type()) + " is not a conntrack entry");
        }
        ByteBuffer payload = message.payloadView();
        if (payload.remaining() < Ctnl.NFGENMSG_LENGTH) {
            throw new NetlinkParseException(NetlinkParseException.Reason.TRUNCATED_PAYLOAD,
                    "nfgenmsg needs 4 bytes, message has " + payload.remaining());
        }
        int family = Byte.toUnsignedInt(payload.get(0));
        int addressLength = family == Ctnl.AF_INET ? 4 : family == Ctnl.AF_INET6 ? 16 : -1;
        if (addressLength < 0) {
            throw new NetlinkParseException(NetlinkParseException.Reason.BAD_ATTRIBUTE_VALUE,
                    "conntrack family " + family);
        }
        FlowTuple original = null;
        FlowTuple reply = null;
        Long status = null;
        Long id = null;
        OptionalLong timeout = OptionalLong.empty();
        OptionalLong mark = OptionalLong.empty();
        Optional<ConntrackTcpState> tcpState = Optional.empty();
        Optional<FlowCounters> originalCounters = Optional.empty();
        Optional<FlowCounters> replyCounters = Optional.empty();
        AttributeDecoder attributes = new AttributeDecoder(payload.position(Ctnl.NFGENMSG_LENGTH));
        while (attributes.next()) {
            switch (attributes.type()) {
                case Ctnl.CTA_TUPLE_ORIG -> original = tuple(attributes.nested(), addressLength);
                case Ctnl.CTA_TUPLE_REPLY -> reply = tuple(attributes.nested(), addressLength);
                case Ctnl.CTA_STATUS -> status = attributes.u32Be();
                case Ctnl.CTA_ID -> id = attributes.u32Be();
                case Ctnl.CTA_TIMEOUT -> timeout = OptionalLong.of(attributes.u32Be());
                case Ctnl.CTA_MARK -> mark = OptionalLong.of(attributes.u32Be());
                case Ctnl.CTA_PROTOINFO -> tcpState = tcpState(attributes.nested());
                case Ctnl.CTA_COUNTERS_ORIG -> originalCounters = counters(attributes.nested());
                case Ctnl.CTA_COUNTERS_REPLY -> replyCounters = counters(attributes.nested());
                default -> {
                    // Zone, helper, NAT sequence adjustment, timestamps, labels, use count: not read.
                }
            }
        }
        attributes.throwIfError();
        if (original == null || reply == null) {
            throw missing("conntrack entry without both tuples");
        }
        if (id == null || status == null) {
            throw missing("conntrack entry without CTA_ID or CTA_STATUS");
        }
        return new ConntrackEntry(id, original.protocol(), original, reply, ConntrackStatus.of(status), timeout,
                tcpState, originalCounters, replyCounters, mark);
    }

    /** CTA_PROTOINFO / CTA_PROTOINFO_TCP / CTA_PROTOINFO_TCP_STATE; other protocols' info is skipped. */
    private static Optional<ConntrackTcpState> tcpState(AttributeDecoder protoinfo) {
        Optional<ConntrackTcpState> state = Optional.empty();
        while (protoinfo.next()) {
            if (protoinfo.type() != Ctnl.CTA_PROTOINFO_TCP) {
                continue;
            }
            AttributeDecoder tcp = protoinfo.nested();
            while (tcp.next()) {
                if (tcp.type() == Ctnl.CTA_PROTOINFO_TCP_STATE) {
                    int code = tcp.u8();
                    ConntrackTcpState value = ConntrackTcpState.of(code);
                    if (value == null) {
                        tcp.fail(NetlinkParseException.Reason.BAD_ATTRIBUTE_VALUE, "TCP conntrack state " + code);
                    }
                    state = Optional.ofNullable(value);
                }
            }
        }
        return state;
    }

    /** CTA_COUNTERS_*: 64-bit packets and bytes, both required. */
    private static Optional<FlowCounters> counters(AttributeDecoder counters) {
        Long packets = null;
        Long bytes = null;
        while (counters.next()) {
            switch (counters.type()) {
                case Ctnl.CTA_COUNTERS_PACKETS -> packets = counters.u64Be();
                case Ctnl.CTA_COUNTERS_BYTES -> bytes = counters.u64Be();
                default -> {
                    // CTA_COUNTERS_PAD aligns the 64-bit values.
                }
            }
        }
        if (counters.err().isPresent()) {
            return Optional.empty();
        }
        if (packets == null || bytes == null || packets < 0 || bytes < 0) {
            counters.fail(NetlinkParseException.Reason.BAD_ATTRIBUTE_VALUE,
                    "conntrack counters need 64-bit packets and bytes below 2^63, got " + packets + "/" + bytes);
            return Optional.empty();
        }
        return Optional.of(new FlowCounters(packets, bytes));
    }

    /** Returns null (with the error recorded in the decoder) when the tuple is incomplete or malformed. */
    private static FlowTuple tuple(AttributeDecoder tuple, int addressLength) {
        InetAddress source = null;
        InetAddress destination = null;
        int protocol = -1;
        int sourcePort = 0;
        int destinationPort = 0;
        while (tuple.next()) {
            if (tuple.type() == Ctnl.CTA_TUPLE_IP) {
                AttributeDecoder ip = tuple.nested();
                while (ip.next()) {
                    switch (ip.type()) {
                        case Ctnl.CTA_IP_V4_SRC, Ctnl.CTA_IP_V6_SRC -> source = address(ip, addressLength);
                        case Ctnl.CTA_IP_V4_DST, Ctnl.CTA_IP_V6_DST -> destination = address(ip, addressLength);
                        default -> {
                            // no other address kinds
                        }
                    }
                }
            } else if (tuple.type() == Ctnl.CTA_TUPLE_PROTO) {
                AttributeDecoder proto = tuple.nested();
                while (proto.next()) {
                    switch (proto.type()) {
                        case Ctnl.CTA_PROTO_NUM -> protocol = proto.u8();
                        case Ctnl.CTA_PROTO_SRC_PORT -> sourcePort = proto.u16Be();
                        case Ctnl.CTA_PROTO_DST_PORT -> destinationPort = proto.u16Be();
                        default -> {
                            // ICMP id/type/code are not needed
                        }
                    }
                }
            }
        }
        if (tuple.err().isPresent()) {
            return null;
        }
        if (source == null || destination == null || protocol < 0) {
            tuple.fail(NetlinkParseException.Reason.MISSING_ATTRIBUTE, "conntrack tuple without addresses or protocol");
            return null;
        }
        return new FlowTuple(source, destination, protocol, sourcePort, destinationPort);
    }

    private static InetAddress address(AttributeDecoder ip, int addressLength) {
        if (ip.length() != addressLength) {
            ip.fail(NetlinkParseException.Reason.BAD_ATTRIBUTE_LENGTH,
                    "conntrack address of " + ip.length() + " bytes, expected " + addressLength);
            return null;
        }
        try {
            return InetAddress.getByAddress(ip.byteArray());
        } catch (UnknownHostException e) {
            throw new IllegalStateException("checked address length " + addressLength, e);
        }
    }

    private static NetlinkParseException missing(String what) {
        return new NetlinkParseException(NetlinkParseException.Reason.MISSING_ATTRIBUTE, what);
    }
}
