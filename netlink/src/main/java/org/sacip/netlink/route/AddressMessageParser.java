package org.sacip.netlink.route;

import java.net.InetAddress;
import java.nio.ByteBuffer;
import org.sacip.netlink.AttributeDecoder;
import org.sacip.netlink.NetlinkMessage;
import org.sacip.netlink.NetlinkParseException;

/** Decodes RTM_NEWADDR / RTM_DELADDR (struct ifaddrmsg and IFA_* attributes). */
public final class AddressMessageParser {
    private AddressMessageParser() {
    }

    public static InterfaceAddress parse(NetlinkMessage message) throws NetlinkParseException {
        ByteBuffer payload = MessageFields.payload(message, Rtnl.IFADDRMSG_LENGTH, "ifaddrmsg");
        int family = Byte.toUnsignedInt(payload.get(0));
        int prefixLength = Byte.toUnsignedInt(payload.get(1));
        long flagBits = Byte.toUnsignedInt(payload.get(2));
        int scope = Byte.toUnsignedInt(payload.get(3));
        int index = payload.getInt(4);
        int addressLength = MessageFields.addressLength(family);
        if (prefixLength > addressLength * 8) {
            throw new NetlinkParseException(NetlinkParseException.Reason.BAD_ATTRIBUTE_VALUE,
                    "prefix length " + prefixLength + " for a " + addressLength + "-byte address");
        }
        InetAddress local = null;
        InetAddress address = null;
        String label = "";
        long preferred = InterfaceAddress.FOREVER;
        long valid = InterfaceAddress.FOREVER;
        AttributeDecoder attributes = new AttributeDecoder(payload.position(Rtnl.IFADDRMSG_LENGTH));
        while (attributes.next()) {
            switch (attributes.type()) {
                case Rtnl.IFA_LOCAL -> local = MessageFields.address(attributes, addressLength);
                case Rtnl.IFA_ADDRESS -> address = MessageFields.address(attributes, addressLength);
                case Rtnl.IFA_LABEL -> label = attributes.string();
                case Rtnl.IFA_FLAGS -> flagBits = attributes.u32();
                case Rtnl.IFA_CACHEINFO -> {
                    ByteBuffer info = attributes.bytes();
                    if (info.remaining() < 16) {
                        attributes.fail(NetlinkParseException.Reason.BAD_ATTRIBUTE_LENGTH,
                                "IFA_CACHEINFO has " + info.remaining() + " bytes, expected 16");
                    } else {
                        preferred = Integer.toUnsignedLong(info.getInt(0));
                        valid = Integer.toUnsignedLong(info.getInt(4));
                    }
                }
                default -> {
                    // Other attributes (broadcast, anycast, protocol ...) are not needed.
                }
            }
        }
        attributes.throwIfError();
        // IFA_LOCAL is the interface's own address; IFA_ADDRESS is the peer on point-to-point links.
        InetAddress own = local != null ? local : address;
        if (own == null) {
            throw MessageFields.missing("address message without IFA_LOCAL or IFA_ADDRESS");
        }
        return new InterfaceAddress(index, own, prefixLength, scope, AddressFlag.fromBits(flagBits), label,
                preferred, valid);
    }
}
