package org.sacip.netlink.conntrack;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import org.sacip.netlink.AttributeDecoder;
import org.sacip.netlink.NetlinkMessage;
import org.sacip.netlink.NetlinkParseException;

/** Decodes IPCTNL_MSG_CT_NEW messages of a ctnetlink dump (nfgenmsg, then network-order CTA_* attributes). */
public final class ConntrackMessageParser {
    private ConntrackMessageParser() {
    }

    public static ConntrackFlow parse(NetlinkMessage message) throws NetlinkParseException {
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
        long status = 0;
        long timeout = 0;
        long id = 0;
        AttributeDecoder attributes = new AttributeDecoder(payload.position(Ctnl.NFGENMSG_LENGTH));
        while (attributes.next()) {
            switch (attributes.type()) {
                case Ctnl.CTA_TUPLE_ORIG -> original = tuple(attributes.nested(), addressLength);
                case Ctnl.CTA_TUPLE_REPLY -> reply = tuple(attributes.nested(), addressLength);
                case Ctnl.CTA_STATUS -> status = attributes.u32Be();
                case Ctnl.CTA_TIMEOUT -> timeout = attributes.u32Be();
                case Ctnl.CTA_ID -> id = attributes.u32Be();
                default -> {
                    // Counters, marks, zones, protocol state are not needed for the agent.
                }
            }
        }
        attributes.throwIfError();
        if (original == null || reply == null) {
            throw new NetlinkParseException(NetlinkParseException.Reason.MISSING_ATTRIBUTE,
                    "conntrack entry without both tuples");
        }
        return new ConntrackFlow(original, reply, status, timeout, id);
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
}
