package org.sacip.netlink.route;

import java.nio.ByteBuffer;
import org.sacip.netlink.AttributeDecoder;
import org.sacip.netlink.NetlinkMessage;
import org.sacip.netlink.NetlinkParseException;

/** Decodes RTM_NEWLINK / RTM_DELLINK (struct ifinfomsg and IFLA_* attributes). */
public final class LinkMessageParser {
    private LinkMessageParser() {
    }

    public static LinkInfo parse(NetlinkMessage message) throws NetlinkParseException {
        ByteBuffer payload = MessageFields.payload(message, Rtnl.IFINFOMSG_LENGTH, "ifinfomsg");
        int arpType = Short.toUnsignedInt(payload.getShort(2));
        int index = payload.getInt(4);
        int flags = payload.getInt(8);
        String name = null;
        byte[] mac = new byte[0];
        int mtu = 0;
        String kind = "";
        AttributeDecoder attributes = new AttributeDecoder(payload.position(Rtnl.IFINFOMSG_LENGTH));
        while (attributes.next()) {
            switch (attributes.type()) {
                case Rtnl.IFLA_IFNAME -> name = attributes.string();
                case Rtnl.IFLA_ADDRESS -> mac = attributes.byteArray();
                case Rtnl.IFLA_MTU -> mtu = attributes.s32();
                case Rtnl.IFLA_LINKINFO -> {
                    AttributeDecoder info = attributes.nested();
                    while (info.next()) {
                        if (info.type() == Rtnl.IFLA_INFO_KIND) {
                            kind = info.string();
                        }
                    }
                }
                default -> {
                    // Statistics, qdisc, af_spec ... are not needed for a link's identity.
                }
            }
        }
        attributes.throwIfError();
        if (name == null) {
            throw MessageFields.missing("link message without IFLA_IFNAME");
        }
        return new LinkInfo(index, name, mac, arpType, (flags & Rtnl.IFF_UP) != 0,
                (flags & Rtnl.IFF_LOWER_UP) != 0, mtu, kind);
    }
}
