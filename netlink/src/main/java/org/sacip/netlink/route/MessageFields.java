package org.sacip.netlink.route;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import org.sacip.netlink.AttributeDecoder;
import org.sacip.netlink.NetlinkMessage;
import org.sacip.netlink.NetlinkParseException;

/** Checks shared by the rtnetlink parsers: family header size, address family and address lengths. */
final class MessageFields {
    private MessageFields() {
    }

    /** The payload, after checking the family header fits. */
    static ByteBuffer payload(NetlinkMessage message, int familyHeaderLength, String what)
            throws NetlinkParseException {
        ByteBuffer payload = message.payloadView();
        if (payload.remaining() < familyHeaderLength) {
            throw new NetlinkParseException(NetlinkParseException.Reason.TRUNCATED_PAYLOAD,
                    what + " needs " + familyHeaderLength + " header bytes, message has " + payload.remaining());
        }
        return payload;
    }

    static int addressLength(int family) throws NetlinkParseException {
        if (family == Rtnl.AF_INET) {
            return 4;
        }
        if (family == Rtnl.AF_INET6) {
            return 16;
        }
        throw new NetlinkParseException(NetlinkParseException.Reason.BAD_ATTRIBUTE_VALUE,
                "address family " + family + " is neither AF_INET nor AF_INET6");
    }

    /** The current attribute as an address of the family's size, or null with an error recorded. */
    static InetAddress address(AttributeDecoder attributes, int length) {
        if (attributes.length() != length) {
            attributes.fail(NetlinkParseException.Reason.BAD_ATTRIBUTE_LENGTH, "address attribute "
                    + attributes.type() + " has " + attributes.length() + " bytes, expected " + length);
            return null;
        }
        return toAddress(attributes.byteArray());
    }

    static InetAddress toAddress(byte[] raw) {
        try {
            return InetAddress.getByAddress(raw);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("address of " + raw.length + " bytes", e);
        }
    }

    static NetlinkParseException missing(String what) {
        return new NetlinkParseException(NetlinkParseException.Reason.MISSING_ATTRIBUTE, what);
    }
}
